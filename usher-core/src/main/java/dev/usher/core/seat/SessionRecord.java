package dev.usher.core.seat;

import java.time.Instant;

/** A live session as stored (the lease may since have been extended in memory). */
public record SessionRecord(String sessionId, String user, String host, String client, Instant since,
                            Instant lastHeartbeat, Instant leaseExpiresAt) {}
