package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;

import java.util.Set;

/**
 * One person's use of one pool on one UTC day.
 *
 * @param sessions  checkouts started (a new seat or joining the person's seat)
 * @param hosts     the hosts they came from
 * @param seatMs    time holding a seat, in milliseconds
 * @param hoursMask bit h set when a seat was held at some time in hour h (UTC)
 */
public record UserDay(long day, PoolKey pool, String user, int sessions, Set<String> hosts, long seatMs, int hoursMask) {

    public double seatHours() {
        return seatMs / 3_600_000.0;
    }
}
