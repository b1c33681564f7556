package dev.usher.core.seat.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A heartbeat extends a live lease to {@code now + ttl}. A lapsed lease is never revived: the
 * session may already be expiring, and the client checks out again (its session id keeps that a
 * retry, never a second seat).
 */
public final class Heartbeats {

    private Heartbeats() {
    }

    /** @param leaseEnd the session's lease now (the later of stored and in memory), empty when there is no session */
    public static Optional<Instant> decide(Optional<Instant> leaseEnd, Instant now, Duration ttl) {
        if (leaseEnd.isEmpty() || !leaseEnd.get().isAfter(now)) {
            return Optional.empty();
        }
        Instant next = now.plus(ttl);
        return Optional.of(next.isAfter(leaseEnd.get()) ? next : leaseEnd.get());
    }
}
