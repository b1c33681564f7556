package dev.usher.core.seat.state;

import dev.usher.core.seat.PoolKey;

import java.util.HashSet;
import java.util.Set;

/**
 * What a seat book was loaded with, absent entries included ("loaded, and there is none"), so that a decision never
 * reads a guess: reading anything a partial book's loader did not load throws {@link NotLoadedException}. A resident
 * book holds every session, seat and tally, and checks only its people (always partial: the store loads the few a
 * group is about).
 */
final class LoadedParts {

    /** A person in a pool: whose seats there the book was loaded with. */
    private record PoolUser(PoolKey pool, long userId) {}

    private final boolean resident;
    private final Set<String> sessions = new HashSet<>();
    private final Set<String> seats = new HashSet<>();
    private final Set<PoolUser> poolUsers = new HashSet<>();
    private final Set<Long> users = new HashSet<>();
    private final Set<String> seatSessions = new HashSet<>();
    private final Set<Long> people = new HashSet<>();
    private final Set<String> keys = new HashSet<>();

    LoadedParts(boolean resident) {
        this.resident = resident;
    }

    // ---- checks before a read -------------------------------------------------------------------

    void requireSession(String id) {
        if (!resident && !sessions.contains(id)) {
            throw new NotLoadedException("session " + id);
        }
    }

    void requireSeat(String id) {
        if (!resident && !seats.contains(id)) {
            throw new NotLoadedException("seat " + id);
        }
    }

    void requireSeatsOf(PoolKey pool, long userId) {
        if (!resident && !poolUsers.contains(new PoolUser(pool, userId)) && !users.contains(userId)) {
            throw new NotLoadedException("the seats of user " + userId + " in " + pool);
        }
    }

    void requireSeatsOf(long userId) {
        if (!resident && !users.contains(userId)) {
            throw new NotLoadedException("the seats of user " + userId);
        }
    }

    void requireSessionsOn(String seatId) {
        if (!listsSessionsOn(seatId)) {
            throw new NotLoadedException("the sessions on seat " + seatId);
        }
    }

    void requireResident(String what) {
        if (!resident) {
            throw new NotLoadedException(what + " (a partial book holds only what its decisions need)");
        }
    }

    /** Whether the sessions on this seat are listed (a partial book may count them without listing them). */
    boolean listsSessionsOn(String seatId) {
        return resident || seatSessions.contains(seatId);
    }

    boolean hasSession(String id) {
        return sessions.contains(id);
    }

    boolean hasSeat(String id) {
        return seats.contains(id);
    }

    boolean hasPerson(long id) {
        return people.contains(id);
    }

    boolean hasKey(String key) {
        return keys.contains(key);
    }

    // ---- marks, by the loader (and by effects that create what a partial book then holds) ---------
    // Each returns whether it was new, for the journal to take it back.

    boolean markSession(String id) {
        return !resident && sessions.add(id); // a resident book holds every session: no second set of a million ids
    }

    boolean markSeat(String id) {
        return !resident && seats.add(id);
    }

    void unmarkSeat(String id) {
        seats.remove(id);
    }

    boolean markSessionsOn(String seatId) {
        return !resident && seatSessions.add(seatId);
    }

    void unmarkSessionsOn(String seatId) {
        seatSessions.remove(seatId);
    }

    void markSeatsOf(PoolKey pool, long userId) {
        poolUsers.add(new PoolUser(pool, userId));
    }

    void markSeatsOf(long userId) {
        users.add(userId);
    }

    boolean markPerson(long id) {
        return people.add(id);
    }

    void unmarkPerson(long id) {
        people.remove(id);
    }

    void markKey(String key) {
        keys.add(key);
    }

    void forgetPeople() {
        people.clear();
        keys.clear();
    }
}
