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
        if (leaseEnd.isEmpty()) {
            return Optional.empty();
        }
        long next = extend(leaseEnd.get().toEpochMilli(), now.toEpochMilli(), ttl.toMillis());
        return next < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(next));
    }

    /**
     * The same rule on epoch milliseconds, for the lease table's hot path (no allocation): the new lease
     * end, or -1 when the lease lapsed at or before {@code now}. A lease never shrinks.
     */
    public static long extend(long leaseEnd, long now, long ttl) {
        if (leaseEnd <= now) {
            return -1;
        }
        return Math.max(leaseEnd, now + ttl);
    }
}
