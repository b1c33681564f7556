package dev.usher.core.seat.decision;

import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An administrator takes a seat back. Its sessions are ended first (each a {@link SessionEnds}
 * decision, with the administrator's reason); this is the last step: the seat, if it still exists
 * (it lingered, or ending its sessions started a linger), goes back to the pool now, and the release
 * is recorded once for the seat.
 */
public final class SeatReleases {

    private SeatReleases() {
    }

    /** @param seat the seat as its sessions' ends left it, or null when they gave it back */
    public record Snapshot(HeldSeat seat, int inUse) {}

    /** @param original the seat as it was before its sessions ended (what the record names) */
    public record Request(HeldSeat original, Instant now, String reason, int sessionsEnded) {}

    public static Decision<Boolean> decide(Snapshot s, Request r) {
        List<Effect> effects = new ArrayList<>();
        int after = s.inUse();
        if (s.seat() != null) {
            effects.add(new Effect.ReleaseSeat(s.seat().id(), s.seat().pool()));
            after--;
        }
        effects.add(CheckoutEnd.event(r.now(), SeatEvent.Type.FORCE_RELEASE, r.original().pool(), r.original().userName(), null,
                null, r.original().id(), r.reason(), r.sessionsEnded() + " session(s) ended", after));
        return new Decision<>(true, effects);
    }
}
