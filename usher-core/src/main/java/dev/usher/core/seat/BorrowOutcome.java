package dev.usher.core.seat;

import java.time.Instant;

/** What a borrow request did. */
public sealed interface BorrowOutcome {

    /** The seat is on loan to {@code user} until {@code until}; {@code renewed} when it already was. */
    record Lent(String seatId, PoolKey pool, long userId, String user, String host, String sessionId, Instant until,
                boolean renewed) implements BorrowOutcome {}

    /** Refused, with the problem type suffix, HTTP status and a sentence for the person. */
    record Refused(String code, int status, String message) implements BorrowOutcome {}
}
