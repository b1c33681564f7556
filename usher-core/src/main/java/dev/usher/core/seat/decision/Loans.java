package dev.usher.core.seat.decision;

import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.BorrowPolicy;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;

import java.time.Instant;
import java.util.List;

/**
 * Borrowing: a seat taken out for offline use until a date outlives its sessions until then, and
 * comes back early when its holder returns it or an administrator takes it back.
 */
public final class Loans {

    private Loans() {
    }

    /**
     * @param session       the session asking, or null
     * @param live          whether its lease runs past now
     * @param seat          the seat it holds in the pool, or null
     * @param capacity      the pool's seats now
     * @param borrowedOther seats of the pool on loan now, not counting this one (a renewal does not count twice)
     */
    public record BorrowSnapshot(LiveSession session, boolean live, HeldSeat seat, BorrowPolicy policy, int capacity,
                                 int borrowedOther, int inUse) {}

    public record Borrow(String sessionId, PoolKey pool, Instant until, Instant now) {}

    public static Decision<BorrowOutcome> borrow(BorrowSnapshot s, Borrow r) {
        // What is wrong with the request itself comes first: it is wrong whoever asks.
        var wrong = s.policy().refusesRequest(r.now(), r.until());
        if (wrong.isPresent()) {
            return Decision.of(new BorrowOutcome.Refused(wrong.get().code(), wrong.get().status(), wrong.get().message()));
        }
        if (s.session() == null || !s.live() || s.seat() == null) {
            return Decision.of(new BorrowOutcome.Refused("not-checked-out", 409, "session " + r.sessionId() + " holds no seat of "
                    + r.pool().product() + " " + r.pool().feature() + ": check out first, then borrow the seat you hold"));
        }
        return switch (s.policy().decide(s.capacity(), s.borrowedOther(), r.now(), r.until())) {
            case BorrowPolicy.Decision.Refuse no -> Decision.of(new BorrowOutcome.Refused(no.code(), no.status(), no.message()));
            case BorrowPolicy.Decision.Lend lend -> {
                boolean renewal = s.seat().onLoanAt(r.now().toEpochMilli());
                LiveSession session = s.session();
                yield new Decision<>(new BorrowOutcome.Lent(s.seat().id(), r.pool(), session.userId(), session.userName(), session.host(),
                        r.sessionId(), lend.until(), renewal), List.of(
                        new Effect.SetLoan(s.seat().id(), lend.until()),
                        CheckoutEnd.event(r.now(), SeatEvent.Type.BORROW, r.pool(), session.userName(), session.host(), r.sessionId(),
                                s.seat().id(), renewal ? "renewed" : "borrowed", "until " + lend.until(), s.inUse())));
            }
        };
    }

    /** @param seat the seat, or null */
    public record ReturnSnapshot(HeldSeat seat, int inUse) {}

    /** @param forced an administrator's take-back (which also ends the sessions on the seat) */
    public record Return(String seatId, Instant now, boolean forced, String reason) {}

    /**
     * The first step of ending a loan early: the loan ends (recorded). An administrator's take-back then
     * ends the seat's sessions ({@link SessionEnds}), and {@link #giveBack} returns the seat.
     * Empty when the seat is not on loan.
     */
    public static Decision<java.util.Optional<HeldSeat>> endLoan(ReturnSnapshot s, Return r) {
        if (s.seat() == null || !s.seat().onLoanAt(r.now().toEpochMilli())) {
            return Decision.of(java.util.Optional.empty());
        }
        HeldSeat seat = s.seat();
        return new Decision<>(java.util.Optional.of(seat), List.of(new Effect.SetLoan(seat.id(), null),
                CheckoutEnd.event(r.now(), r.forced() ? SeatEvent.Type.FORCE_RETURN : SeatEvent.Type.RETURN, seat.pool(),
                        seat.userName(), null, null, seat.id(), r.reason(), "was on loan until " + Instant.ofEpochMilli(seat.borrowedUntil()),
                        s.inUse())));
    }

    /**
     * The last step: given back early, the seat goes back to the pool at once (no linger: the point of
     * returning early is that someone else can have it now), unless a live session still holds it and
     * nobody forced the return.
     *
     * @param seat the seat as the loan's end left it, or null when it is gone already
     */
    public static Decision<Boolean> giveBack(HeldSeat seat, Return r) {
        if (seat == null) {
            return Decision.of(false);
        }
        if (seat.attached() > 0) {
            if (r.forced()) {
                throw new IllegalStateException("a forced return ends the seat's sessions first");
            }
            return Decision.of(false);
        }
        return new Decision<>(true, List.of(new Effect.ReleaseSeat(seat.id(), seat.pool())));
    }
}
