package dev.usher.core.seat;

import java.time.Duration;

/** Per-pool choices of the administrator. */
public record PoolSettings(SeatKeyPolicy policy, Duration linger) {

    public static final Duration MAX_LINGER = Duration.ofHours(24);
    public static final PoolSettings DEFAULT = new PoolSettings(SeatKeyPolicy.USER, Duration.ZERO);

    public PoolSettings {
        if (policy == null) {
            throw new IllegalArgumentException("policy is required");
        }
        if (linger == null || linger.isNegative() || linger.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException("linger must be between 0 and " + MAX_LINGER.toSeconds() + " seconds");
        }
    }
}
