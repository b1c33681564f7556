package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;

/**
 * A seat event as the usage history reads it: what happened and the pool's seats in use right
 * after it ({@code inUse} null for events recorded before usage history existed).
 */
public record UsageEvent(long id, long at, SeatEvent.Type type, PoolKey pool, String user, String host, String seatId,
                         String reason, Integer inUse) {}
