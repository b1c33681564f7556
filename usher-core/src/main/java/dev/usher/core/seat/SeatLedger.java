package dev.usher.core.seat;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Seat operations, each decided by the one seat decision ({@code seat.decision}) and made durable
 * before it returns: nothing acknowledged is lost on {@code kill -9}. Reads are {@link SeatViews};
 * lease persistence is {@link LeaseRecords}.
 */
public interface SeatLedger {

    /** Takes (or keeps, or joins) a seat for the request's session. */
    CheckoutOutcome checkout(CheckoutRequest request);

    /** Gives back one checkout; true if there was one. */
    boolean checkin(String sessionId, PoolKey pool, Instant now);

    /** Ends a session and all its checkouts; true if it existed. */
    boolean endSession(String sessionId, Instant now);

    /** Ends those of the given sessions whose lease lapsed at {@code now}; returns how many. */
    int expire(Collection<String> sessionIds, Instant now);

    /** Returns seats whose linger ended, and ends loans whose date passed; returns the seats returned. */
    int endLingering(Instant now);

    /** Admin force release: ends the seat and every session attached to it. Returns the ended sessions. */
    Optional<List<String>> forceRelease(String seatId, Instant now, String reason);

    /** What a release of a person's seats ended: seats returned to their pools, and sessions ended. */
    record Released(List<String> seatIds, List<String> sessionIds) {
        public Released {
            seatIds = List.copyOf(seatIds);
            sessionIds = List.copyOf(sessionIds);
        }
    }

    /**
     * Force-releases every seat of one person (optionally in one pool). With {@code keepLoans} (the person
     * was disabled), a seat on loan stays lent until its date and only the sessions on it end.
     */
    Released releaseUser(String userKey, PoolKey poolOrNull, Instant now, String reason, boolean keepLoans);

    /**
     * Lends the seat the session holds in {@code pool} until {@code until}: the seat then outlives every
     * session (no heartbeats needed) until the loan ends. Asking again moves the date (a renewal).
     */
    BorrowOutcome borrow(String sessionId, PoolKey pool, Instant until, Instant now);

    /** A seat's loan as it is now, for the one who ends it. */
    record Loan(String seatId, PoolKey pool, long userId, String user, Instant until) {}

    /** A loan ended early, and the sessions that ended with it (an administrator's take-back ends them). */
    record LoanEnded(Loan loan, List<String> sessionsEnded) {
        public LoanEnded {
            sessionsEnded = List.copyOf(sessionsEnded);
        }
    }

    /**
     * Ends a loan before its date. The seat goes back to the pool unless a live session still holds
     * it; {@code forced} (an administrator's) also ends those sessions. Empty when the seat is not on loan.
     */
    Optional<LoanEnded> endLoan(String seatId, Instant now, boolean forced, String reason);

    /**
     * The answer to "would this person get a seat now?" without taking one: the checkout's own rules.
     *
     * @param outcome {@code holds} (already has a seat), {@code would-get}, or {@code refused}
     * @param code    the charge ({@code shared}, {@code reserve:N}) or the refusal's problem type
     */
    record Explanation(String outcome, String code, String detail, String seatId, Instant since) {}

    Explanation explain(long userId, PoolKey pool, Instant now);

    /** The assignment rules of a pool, or someone's roles, changed: what held seats count against is counted again. */
    void rulesChanged();
}
