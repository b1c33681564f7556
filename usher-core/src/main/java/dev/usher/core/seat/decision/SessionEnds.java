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

/**
 * A session ends with all its checkouts: its client said so, its lease lapsed (invariant 4: nothing
 * else frees a seat but check-in, an administrator or a loan's end), or an administrator ended it.
 */
public final class SessionEnds {

    private SessionEnds() {
    }

    /** One checkout of the session: its seat, the pool's linger and seats in use now. */
    public record Held(PoolKey pool, HeldSeat seat, Duration linger, int inUse) {}

    /**
     * @param session  the session, or null when there is none
     * @param leaseEnd its lease's end (the later of stored and in memory)
     * @param live     whether that lease runs past now
     * @param held     its checkouts, in pool order
     */
    public record Snapshot(LiveSession session, Instant leaseEnd, boolean live, List<Held> held) {
        public Snapshot {
            held = List.copyOf(held);
        }
    }

    /** @param onlyIfLapsed an expiry: a session whose lease still runs is left alone */
    public record Request(String sessionId, Instant now, SeatEvent.Type type, String reason, boolean onlyIfLapsed) {

        public static Request expiry(String sessionId, Instant now) {
            return new Request(sessionId, now, SeatEvent.Type.EXPIRY, "lease lapsed", true);
        }

        public static Request end(String sessionId, Instant now) {
            return new Request(sessionId, now, SeatEvent.Type.RELEASE, "session ended", false);
        }

        public static Request forced(String sessionId, Instant now, String reason) {
            return new Request(sessionId, now, SeatEvent.Type.FORCE_RELEASE, reason, false);
        }
    }

    /** True when the session ended. */
    public static Decision<Boolean> decide(Snapshot s, Request r) {
        if (s.session() == null || (r.onlyIfLapsed() && s.live())) {
            return Decision.of(false);
        }
        List<Effect> effects = new ArrayList<>();
        // A lapsed session let go when its lease ended, not when the lapse was noticed.
        Instant lingerFrom = r.onlyIfLapsed() && s.leaseEnd() != null && s.leaseEnd().isBefore(r.now()) ? s.leaseEnd() : r.now();
        for (Held h : s.held()) {
            CheckoutEnd.end(s.session(), h.pool(), h.seat(), h.linger(), h.inUse(), r.now(), lingerFrom, r.type(), r.reason(), effects);
        }
        effects.add(new Effect.EndSession(s.session().id()));
        return new Decision<>(true, effects);
    }
}
