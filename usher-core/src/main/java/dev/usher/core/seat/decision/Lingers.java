package dev.usher.core.seat.decision;

import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;

import java.time.Instant;
import java.util.List;

/**
 * Seats that outlived their sessions for a while: a linger that ended returns its seat; a loan that
 * ended returns an offline holder's seat, and leaves an online holder's seat an ordinary one.
 */
public final class Lingers {

    private Lingers() {
    }

    /** A seat whose linger (or offline loan) ended at or before {@code now}: it goes back to the pool. */
    public static Decision<Boolean> lingerEnded(HeldSeat seat, int inUse, Instant now) {
        if (seat.lingerUntil() == null || seat.lingerUntil() > now.toEpochMilli() || seat.attached() > 0) {
            return Decision.of(false);
        }
        // A seat on loan lingering: written by versions that held an offline loan as a linger.
        boolean loan = seat.borrowedUntil() != null;
        return new Decision<>(true, List.of(new Effect.ReleaseSeat(seat.id(), seat.pool()),
                CheckoutEnd.event(now, loan ? SeatEvent.Type.BORROW_END : SeatEvent.Type.LINGER_END, seat.pool(), seat.userName(),
                        null, null, seat.id(), loan ? "loan ended" : "linger ended", null, inUse - 1)));
    }

    /**
     * A seat whose loan ended: with no session on it (the borrower worked offline) it goes back to the pool; while a
     * live session still holds it, it stays, as an ordinary seat.
     */
    public static Decision<Boolean> loanEnded(HeldSeat seat, int inUse, Instant now) {
        if (seat.borrowedUntil() == null || seat.borrowedUntil() > now.toEpochMilli()) {
            return Decision.of(false);
        }
        if (seat.attached() == 0) {
            return new Decision<>(true, List.of(new Effect.ReleaseSeat(seat.id(), seat.pool()),
                    CheckoutEnd.event(now, SeatEvent.Type.BORROW_END, seat.pool(), seat.userName(), null, null, seat.id(), "loan ended",
                            null, inUse - 1)));
        }
        return new Decision<>(true, List.of(new Effect.SetLoan(seat.id(), null),
                CheckoutEnd.event(now, SeatEvent.Type.BORROW_END, seat.pool(), seat.userName(), null, null, seat.id(), "loan ended",
                        "still held by a live session", inUse)));
    }
}
