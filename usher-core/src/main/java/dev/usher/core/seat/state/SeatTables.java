package dev.usher.core.seat.state;

import dev.usher.core.seat.PoolKey;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tables of a seat book and their changes, each journaled while a group is being applied ({@link #begin}), so that
 * a group whose commit failed is taken back change by change ({@link #rollback}).
 */
final class SeatTables {

    final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();
    final Map<String, HeldSeat> seats = new ConcurrentHashMap<>();
    final Map<PoolKey, PoolTally> tallies = new ConcurrentHashMap<>();
    final SeatIndexes indexes = new SeatIndexes();
    final Map<String, Set<String>> sessionsOnSeat = new ConcurrentHashMap<>();
    final Map<Long, Person> people = new ConcurrentHashMap<>();
    final Map<String, Long> personByKey = new ConcurrentHashMap<>();

    private Deque<Runnable> undo;

    /** Starts journaling; while journaling already (several groups share one transaction), the journal goes on. */
    void begin() {
        if (undo == null) {
            undo = new ArrayDeque<>();
        }
    }

    void commit() {
        undo = null;
    }

    void rollback() {
        Deque<Runnable> u = undo;
        undo = null;
        if (u != null) {
            while (!u.isEmpty()) {
                u.pop().run();
            }
        }
    }

    /** Remembers how to take a change back (only while journaling). */
    void journal(Runnable inverse) {
        if (undo != null) {
            undo.push(inverse);
        }
    }

    private static <K, V> void restore(Map<K, V> map, K key, V before) {
        if (before == null) {
            map.remove(key);
        } else {
            map.put(key, before);
        }
    }

    void putPerson(Person p, String key) {
        Person before = people.put(p.id(), p);
        Long keyBefore = personByKey.put(key, p.id());
        journal(() -> {
            restore(people, p.id(), before);
            restore(personByKey, key, keyBefore);
        });
    }

    void putSession(LiveSession s) {
        LiveSession before = sessions.put(s.id(), s);
        journal(() -> restore(sessions, s.id(), before));
    }

    void removeSession(String id) {
        LiveSession before = sessions.remove(id);
        journal(() -> restore(sessions, id, before));
    }

    void putTally(PoolKey pool, PoolTally t) {
        PoolTally before = tallies.put(pool, t);
        journal(() -> restore(tallies, pool, before));
    }

    void putSeat(HeldSeat s) {
        HeldSeat before = seats.put(s.id(), s);
        if (before != null) {
            indexes.remove(before);
        }
        indexes.add(s);
        journal(() -> {
            indexes.remove(s);
            restore(seats, s.id(), before);
            if (before != null) {
                indexes.add(before);
            }
        });
    }

    void removeSeat(String id) {
        HeldSeat before = seats.remove(id);
        if (before == null) {
            return;
        }
        indexes.remove(before);
        Set<String> on = sessionsOnSeat.remove(id);
        journal(() -> {
            seats.put(id, before);
            indexes.add(before);
            if (on != null) {
                sessionsOnSeat.put(id, on);
            }
        });
    }

    /** Lists a session on a seat, or takes it off (for seats whose sessions the book lists). */
    void onSeat(String seatId, String sessionId, boolean attach) {
        Set<String> on = sessionsOnSeat.computeIfAbsent(seatId, k -> ConcurrentHashMap.newKeySet());
        boolean changed = attach ? on.add(sessionId) : on.remove(sessionId);
        if (changed) {
            journal(() -> {
                Set<String> now = sessionsOnSeat.computeIfAbsent(seatId, k -> ConcurrentHashMap.newKeySet());
                if (attach) {
                    now.remove(sessionId);
                } else {
                    now.add(sessionId);
                }
            });
        }
    }
}
