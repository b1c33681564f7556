package dev.usher.core.seat;

import java.time.Duration;
import java.time.Instant;

/**
 * A pool's rules for borrowing (taking a seat offline until a date).
 *
 * @param allowed whether anyone may borrow from this pool
 * @param maxDays the longest loan, counted from the moment of borrowing
 * @param floor   seats that can never be borrowed: they stay for the people on site
 */
public record BorrowPolicy(boolean allowed, int maxDays, int floor) {

    public static final int MAX_DAYS = 365;
    /** Allowed for up to a week, no floor: what a site that never thought about borrowing expects from "take it on a trip". */
    public static final BorrowPolicy DEFAULT = new BorrowPolicy(true, 7, 0);

    public BorrowPolicy {
        if (maxDays < 1 || maxDays > MAX_DAYS) {
            throw new IllegalArgumentException("borrow max days must be between 1 and " + MAX_DAYS);
        }
        if (floor < 0 || floor > 1_000_000) {
            throw new IllegalArgumentException("borrow floor must be between 0 and 1000000 seats");
        }
    }

    /** Whether to lend, decided from the policy and the pool's numbers alone (the store supplies them atomically). */
    public sealed interface Decision {
        record Lend(Instant until) implements Decision {}

        /** {@code code} is the problem type suffix; {@code status} its HTTP status. */
        record Refuse(String code, int status, String message) implements Decision {}
    }

    /**
     * What is wrong with asking for a loan until {@code until}, whoever asks: a date not in the future, a
     * pool that does not lend, a loan longer than the pool allows. Empty when the request may be lent.
     */
    public java.util.Optional<Decision.Refuse> refusesRequest(Instant now, Instant until) {
        if (!until.isAfter(now)) {
            return java.util.Optional.of(new Decision.Refuse("validation-failed", 400, "until must be in the future (got " + until + ")"));
        }
        if (!allowed) {
            return java.util.Optional.of(new Decision.Refuse("borrow-not-allowed", 403,
                    "borrowing is turned off for this pool; ask your administrator"));
        }
        Instant latest = now.plus(Duration.ofDays(maxDays));
        if (until.isAfter(latest)) {
            return java.util.Optional.of(new Decision.Refuse("borrow-too-long", 400,
                    "this pool lends seats for at most " + maxDays + " day(s), until " + latest + " at the latest"));
        }
        return java.util.Optional.empty();
    }

    /**
     * @param capacity      seats the pool has now
     * @param borrowedOther seats of the pool on loan now, not counting the one asked about (a renewal does not count twice)
     */
    public Decision decide(int capacity, int borrowedOther, Instant now, Instant until) {
        var wrong = refusesRequest(now, until);
        if (wrong.isPresent()) {
            return wrong.get();
        }
        int lendable = Math.max(0, capacity - floor);
        if (borrowedOther + 1 > lendable) {
            return new Decision.Refuse("borrow-limit-reached", 409, borrowedOther + " of " + capacity + " seats are on loan and "
                    + floor + " must stay on site, so no more can be borrowed now; try again after a loan ends");
        }
        return new Decision.Lend(until);
    }
}
