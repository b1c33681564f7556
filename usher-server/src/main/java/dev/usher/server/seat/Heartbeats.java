package dev.usher.server.seat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** How a heartbeat extends a lease: the new expiry, or empty when the session lapsed or does not exist. */
@FunctionalInterface
public interface Heartbeats {

    Optional<Instant> extend(String sessionId, Instant now, Duration ttl);
}
