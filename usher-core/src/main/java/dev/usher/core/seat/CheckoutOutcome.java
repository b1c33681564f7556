package dev.usher.core.seat;

import java.time.Instant;

/** What a checkout did: for every non-denial the seat the session now holds, or why it was refused. */
public sealed interface CheckoutOutcome {

    /** How the session came to hold the seat; maps to 201 (NEW) or 200 (the rest). */
    enum How { NEW, JOINED, KEPT }

    record Held(How how, String seatId, String sessionId, PoolKey pool, String user, Instant leaseExpiresAt,
                int sharedWithSessions) implements CheckoutOutcome {}

    record Denied(Deny deny) implements CheckoutOutcome {}
}
