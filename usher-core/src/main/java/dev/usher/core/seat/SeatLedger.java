package dev.usher.core.seat;

import dev.usher.core.lease.LeaseTable;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The durable record of seats, sessions and checkouts. Every method that changes something is
 * atomic and durable when it returns (nothing acknowledged is lost on {@code kill -9}), except
 * {@link #saveLeases}, whose loss a restart's grace period covers.
 */
public interface SeatLedger {

    /** Decides with {@link SeatAllocator} and applies the decision in one transaction. */
    CheckoutOutcome checkout(CheckoutRequest request);

    /** Gives back one checkout; true if there was one. */
    boolean checkin(String sessionId, PoolKey pool, Instant now);

    /** Ends a session and all its checkouts; true if it existed. */
    boolean endSession(String sessionId, Instant now);

    /** Ends those of the given sessions whose lease lapsed at {@code now}; returns how many. */
    int expire(Collection<String> sessionIds, Instant now);

    /** Returns lingering seats whose linger ended; returns how many. */
    int endLingering(Instant now);

    /** Admin force release: ends the seat and every session attached to it. Returns the ended sessions. */
    Optional<List<String>> forceRelease(String seatId, Instant now, String reason);

    /** Force-releases every seat of one person (optionally in one pool). Returns the released seat ids. */
    List<String> releaseUser(String userKey, PoolKey poolOrNull, Instant now, String reason);

    /**
     * Lends the seat the session holds in {@code pool} until {@code until}: the seat then outlives every
     * session (no heartbeats needed) until the loan ends. Asking again moves the date (a renewal).
     */
    BorrowOutcome borrow(String sessionId, PoolKey pool, Instant until, Instant now);

    /** A seat's loan as it is now, for the one who ends it. */
    record Loan(String seatId, PoolKey pool, long userId, String user, Instant until) {}

    /** The loan on a seat, if it is on loan at {@code now}. */
    Optional<Loan> loan(String seatId, Instant now);

    /**
     * Ends a loan before its date. The seat goes back to the pool unless a live session still holds
     * it; {@code forced} (an administrator's) also ends those sessions. Empty when the seat is not on loan.
     */
    Optional<Loan> endLoan(String seatId, Instant now, boolean forced, String reason);

    /** Persists lease extensions from heartbeats (batched, not necessarily synchronous). */
    void saveLeases(List<LeaseTable.Lease> leases);

    /**
     * Persists lease extensions now, in one transaction, and returns the sessions that no longer
     * exist (ended or expired meanwhile): for heartbeats that are answered only once their lease is
     * stored (several servers on one database).
     */
    default java.util.Set<String> extendLeases(List<LeaseTable.Lease> leases) {
        saveLeases(leases);
        return java.util.Set.of();
    }

    /** The lease as stored, or empty when the session does not exist. */
    default Optional<LeaseTable.Lease> storedLease(String sessionId) {
        return Optional.empty();
    }

    /** Sessions whose stored lease lapsed at {@code now}, oldest first (whichever server took their heartbeats). */
    default List<String> lapsedInStore(Instant now, int max) {
        return List.of();
    }

    /**
     * Loads every session's lease at start-up; a lease that lapsed while the server was down is moved
     * to {@code now + ttl}, so an outage never strips everyone of their seats.
     */
    List<LeaseTable.Lease> loadLeasesWithGrace(Instant now, Duration ttl);

    /**
     * The answer to "would this person get a seat now?" without taking one.
     *
     * @param outcome {@code holds} (already has a seat), {@code would-get}, or {@code refused}
     * @param code    the charge ({@code shared}, {@code reserve:N}) or the refusal's problem type
     */
    record Explanation(String outcome, String code, String detail, String seatId, java.time.Instant since) {}

    Explanation explain(long userId, PoolKey pool, Instant now);

    /** The id of the user a session belongs to. */
    Optional<Long> sessionOwner(String sessionId);

    List<SeatRecord> seats();

    /** The seats out on loan (a borrow not yet returned), with their sessions, as {@link #seats()} lists them. */
    List<SeatRecord> seatsOnLoan();

    List<SessionRecord> sessions();

    /** Seats held per pool right now (lingering seats included). */
    java.util.Map<PoolKey, Integer> inUse();

    /** Seats on loan per pool at {@code now}. */
    java.util.Map<PoolKey, Integer> borrowed(Instant now);

    List<SeatEvent> events(int limit);
}
