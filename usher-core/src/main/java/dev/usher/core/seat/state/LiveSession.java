package dev.usher.core.seat.state;

import dev.usher.core.seat.PoolKey;

import java.util.Map;

/**
 * A session as the seat book keeps it. {@code leaseEnd} is the lease as last stored; heartbeats
 * extend the live lease in memory ({@code LeaseTable}) without touching the book, so whether a
 * session is live is decided from the later of the two. A step of the wall clock moves both alike
 * ({@link SeatBook#shiftLeases}), or the book's end would win over the moved one.
 *
 * @param userName  the holder's canonical name when the session started (what events record)
 * @param checkouts the seat this session holds in each pool
 */
public record LiveSession(String id, long userId, String userName, String host, String hostKey, String client,
                          long createdAt, long lastHeartbeat, long leaseEnd, Map<PoolKey, String> checkouts) {

    public LiveSession {
        checkouts = Map.copyOf(checkouts);
        // A resident book holds every live session (a million on a big installation). Its holder's name, host and
        // client are the same few strings for all of one person's sessions, and each request parsed its own copy:
        // shared canonical instances (the JVM's string table lets go of those nobody holds) keep one copy of each.
        userName = canonical(userName);
        host = canonical(host);
        hostKey = hostKey != null && hostKey.equals(host) ? host : canonical(hostKey);
        client = canonical(client);
    }

    private static String canonical(String s) {
        return s == null ? null : s.intern();
    }

    LiveSession withCheckout(PoolKey pool, String seatId) {
        var next = new java.util.HashMap<>(checkouts);
        if (seatId == null) {
            next.remove(pool);
        } else {
            next.put(pool, seatId);
        }
        return new LiveSession(id, userId, userName, host, hostKey, client, createdAt, lastHeartbeat, leaseEnd, next);
    }

    LiveSession renewed(long at, long until) {
        return new LiveSession(id, userId, userName, host, hostKey, client, createdAt, Math.max(lastHeartbeat, at),
                Math.max(leaseEnd, until), checkouts);
    }

    /** The lease moved by {@code byMs} (the wall clock stepped): it keeps the time it had left. */
    LiveSession shifted(long byMs) {
        return new LiveSession(id, userId, userName, host, hostKey, client, createdAt, lastHeartbeat + byMs, leaseEnd + byMs, checkouts);
    }

    LiveSession ownedBy(long newUserId, String newUserName) {
        return new LiveSession(id, newUserId, newUserName, host, hostKey, client, createdAt, lastHeartbeat, leaseEnd, checkouts);
    }
}
