package dev.usher.core.seat.decision;

import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatLedger;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Every operation on seats, as data: what the store queues, groups, loads a book for, and hands to
 * {@link SeatMachine}. {@code O} is the operation's answer.
 */
public sealed interface SeatOp<O> {

    /** When the operation happens (every decision's only clock). */
    Instant now();

    record Checkout(CheckoutRequest request) implements SeatOp<Checkouts.Outcome> {
        @Override
        public Instant now() {
            return request.now();
        }
    }

    record Checkin(String sessionId, PoolKey pool, Instant now) implements SeatOp<Boolean> {}

    record EndSession(String sessionId, Instant now) implements SeatOp<Boolean> {}

    /** Ends the session if its lease lapsed at {@code now} (the sweeper's). */
    record Expire(String sessionId, Instant now) implements SeatOp<Boolean> {}

    /** An administrator takes a seat back: the ended sessions, or empty when there is no such seat. */
    record ForceRelease(String seatId, Instant now, String reason) implements SeatOp<Optional<List<String>>> {}

    /**
     * An administrator takes back every seat of a person (in one pool when {@code pool} is not null). With
     * {@code keepLoans} (the person was disabled), seats on loan stay lent and only their sessions end.
     */
    record ReleasePerson(String userKey, PoolKey pool, Instant now, String reason, boolean keepLoans)
            implements SeatOp<SeatLedger.Released> {}

    record Borrow(String sessionId, PoolKey pool, Instant until, Instant now) implements SeatOp<BorrowOutcome> {}

    /** A loan ends early: returned, or ({@code forced}) taken back by an administrator. */
    record EndLoan(String seatId, Instant now, boolean forced, String reason) implements SeatOp<Optional<SeatLedger.LoanEnded>> {}

    /** The seat's linger (or an offline holder's loan) ended: it goes back (the sweeper's). */
    record EndLinger(String seatId, Instant now) implements SeatOp<Boolean> {}

    /** The seat's loan date passed while a session still holds it (the sweeper's). */
    record EndLoanDate(String seatId, Instant now) implements SeatOp<Boolean> {}

    /** The seats and sessions of person {@code fromId} move to person {@code intoId}. */
    record Merge(long intoId, long fromId, Instant now) implements SeatOp<Merges.Result> {}
}
