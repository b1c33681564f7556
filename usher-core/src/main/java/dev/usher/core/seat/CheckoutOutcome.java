package dev.usher.core.seat;

import java.time.Instant;

/** What a checkout did: the decision, and for every non-denial the seat the session now holds. */
public sealed interface CheckoutOutcome {

    /** How the session came to hold the seat; maps to 201 (NEW) or 200 (the rest). */
    enum How { NEW, JOINED, KEPT }

    record Held(How how, String seatId, String sessionId, PoolKey pool, String user, Instant leaseExpiresAt,
                int sharedWithSessions) implements CheckoutOutcome {}

    record Denied(CheckoutDecision.Deny deny) implements CheckoutOutcome {}
}
