package dev.usher.core.seat.decision;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A session gives one checkout back. A session exists to hold checkouts: with none left it ends. */
public final class Checkins {

    private Checkins() {
    }

    /**
     * @param session the session, or null
     * @param seat    the seat it holds in the pool, or null (nothing to give back)
     */
    public record Snapshot(LiveSession session, HeldSeat seat, Duration linger, int inUse) {}

    public record Request(String sessionId, PoolKey pool, Instant now) {}

    /** True when there was a checkout to give back (a repeated check-in is answered the same, and changes nothing). */
    public static Decision<Boolean> decide(Snapshot s, Request r) {
        if (s.session() == null || s.seat() == null) {
            return Decision.of(false);
        }
        List<Effect> effects = new ArrayList<>();
        CheckoutEnd.end(s.session(), r.pool(), s.seat(), s.linger(), s.inUse(), r.now(), r.now(), SeatEvent.Type.RELEASE, "check-in",
                effects);
        if (s.session().checkouts().size() == 1) {
            effects.add(new Effect.EndSession(r.sessionId()));
        }
        return new Decision<>(true, effects);
    }
}
