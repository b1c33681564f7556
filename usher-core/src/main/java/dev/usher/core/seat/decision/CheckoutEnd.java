package dev.usher.core.seat.decision;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Ending one checkout, the step check-in, session end, expiry and force release share: the session
 * lets go of its seat; when it was the seat's last session the seat lingers (the pool's linger, or
 * until its loan ends: that is what lets a borrower work offline) or goes back to the pool.
 */
final class CheckoutEnd {

    private CheckoutEnd() {
    }

    /**
     * @param inUse      the pool's seats in use before
     * @param lingerFrom when the session let go: now, or for an expiry the end of its lease (a seat lingers
     *                   for the pool's linger after its holder was last heard of, however late the lapse is noticed)
     * @return the pool's seats in use after
     */
    static int end(LiveSession session, PoolKey pool, HeldSeat seat, Duration linger, int inUse, Instant now, Instant lingerFrom,
                   SeatEvent.Type type, String reason, List<Effect> out) {
        out.add(new Effect.EndCheckout(session.id(), pool, seat.id()));
        int after = inUse;
        if (seat.attached() == 1 && seat.onLoanAt(now.toEpochMilli())) {
            // The last session left a seat on loan: it stays the borrower's, not lingering, until the loan's date
            // (Lingers.loanEnded gives it back then).
        } else if (seat.attached() == 1) {
            long until = lingerFrom.plus(linger).toEpochMilli();
            if (until > now.toEpochMilli()) {
                out.add(new Effect.SetLinger(seat.id(), Instant.ofEpochMilli(until)));
            } else {
                out.add(new Effect.ReleaseSeat(seat.id(), pool));
                after--;
            }
        }
        out.add(event(now, type, pool, session.userName(), session.host(), session.id(), seat.id(), reason, null, after));
        return after;
    }

    static Effect.RecordEvent event(Instant at, SeatEvent.Type type, PoolKey pool, String user, String host, String sessionId,
                                    String seatId, String reason, String detail, int inUseAfter) {
        return new Effect.RecordEvent(new SeatEvent(at, type, pool, user, host, sessionId, seatId, reason, detail), inUseAfter);
    }
}
