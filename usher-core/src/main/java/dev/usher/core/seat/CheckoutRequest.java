package dev.usher.core.seat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * One checkout as the seat decision sees it: names already validated and normalized; time and the
 * id a new seat would get come in the request, so that deciding reads no clock and draws nothing.
 *
 * @param userName           the spelling the client sent (kept as canonical if this person is new)
 * @param userKey            the normalized key that identifies the person
 * @param hostKey            the normalized host, used by the {@code user+host} seat key policy
 * @param userId             the authenticated user, or null when the name is to be resolved through aliases (open mode)
 * @param autoCreate         in open mode, whether an unknown name becomes a new user (else it is refused)
 * @param refuseMachineNames in open mode, whether a claimed name that is a machine's (its own host, or
 *                           {@code nameIsAKnownHost}) is refused (the administrator's setting)
 * @param nameIsAKnownHost   whether {@code userKey} is the key of a host seen in checkouts
 * @param recordDenial       false for the repeated tries of a request waiting in the queue: only its final answer is history
 * @param newSeatId          the id of the seat, should this checkout take a new one
 */
public record CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                              String hostKey, String client, Instant now, Duration leaseTtl, Long userId,
                              boolean autoCreate, boolean refuseMachineNames, boolean nameIsAKnownHost, boolean recordDenial,
                              String newSeatId) {

    /** A request that lets machine names through. */
    public CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                           String hostKey, String client, Instant now, Duration leaseTtl, Long userId,
                           boolean autoCreate, boolean recordDenial, String newSeatId) {
        this(sessionId, pool, userName, userKey, host, hostKey, client, now, leaseTtl, userId, autoCreate, false, false,
                recordDenial, newSeatId);
    }

    public CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                           String hostKey, String client, Instant now, Duration leaseTtl, Long userId, boolean autoCreate) {
        this(sessionId, pool, userName, userKey, host, hostKey, client, now, leaseTtl, userId, autoCreate, true,
                UUID.randomUUID().toString());
    }

    /** An open-mode request that creates unknown users. */
    public CheckoutRequest(String sessionId, PoolKey pool, String userName, String userKey, String host,
                           String hostKey, String client, Instant now, Duration leaseTtl) {
        this(sessionId, pool, userName, userKey, host, hostKey, client, now, leaseTtl, null, true);
    }

    /** The same request, tried again at {@code at} (a waiting request; a new seat gets a new id). */
    public CheckoutRequest retriedAt(Instant at, boolean record) {
        return new CheckoutRequest(sessionId, pool, userName, userKey, host, hostKey, client, at, leaseTtl, userId, autoCreate,
                refuseMachineNames, nameIsAKnownHost, record, UUID.randomUUID().toString());
    }
}
