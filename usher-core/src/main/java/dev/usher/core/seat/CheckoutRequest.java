package dev.usher.core.seat;

import java.time.Duration;
import java.time.Instant;

/**
 * One checkout as the ledger sees it: names already validated and normalized.
 *
 * @param userName the spelling the client sent (kept as canonical if this person is new)
 * @param userKey  the normalized key that identifies the person
 * @param hostKey  the normalized host, used by the {@code user+host} seat key policy
 * @param userId   the authenticated user, or null when the name is to be resolved through aliases (open mode)
 * @param autoCreate in open mode, whether an unknown name becomes a new user (else it is refused)
 * @param recordDenial false for the repeated tries of a request waiting in the queue: only its final answer is history
 */
public record CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                              String hostKey, String client, Instant now, Duration leaseTtl, Long userId,
                              boolean autoCreate, boolean recordDenial) {

    public CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                           String hostKey, String client, Instant now, Duration leaseTtl, Long userId, boolean autoCreate) {
        this(sessionId, pool, userName, userKey, host, hostKey, client, now, leaseTtl, userId, autoCreate, true);
    }

    /** The same request, tried again at {@code at}. */
    public CheckoutRequest retriedAt(Instant at, boolean record) {
        return new CheckoutRequest(sessionId, pool, userName, userKey, host, hostKey, client, at, leaseTtl, userId, autoCreate, record);
    }

    /** An open-mode request that creates unknown users. */
    public CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                           String hostKey, String client, Instant now, Duration leaseTtl) {
        this(sessionId, pool, userName, userKey, host, hostKey, client, now, leaseTtl, null, true);
    }
}
