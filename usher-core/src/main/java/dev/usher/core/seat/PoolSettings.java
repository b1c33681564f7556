package dev.usher.core.seat;

import java.time.Duration;

/** Per-pool choices of the administrator. */
public record PoolSettings(SeatKeyPolicy policy, Duration linger, BorrowPolicy borrow) {

    public static final Duration MAX_LINGER = Duration.ofHours(24);
    public static final PoolSettings DEFAULT = new PoolSettings(SeatKeyPolicy.USER, Duration.ZERO, BorrowPolicy.DEFAULT);

    public PoolSettings(SeatKeyPolicy policy, Duration linger) {
        this(policy, linger, BorrowPolicy.DEFAULT);
    }

    public PoolSettings {
        if (policy == null) {
            throw new IllegalArgumentException("policy is required");
        }
        if (linger == null || linger.isNegative() || linger.compareTo(MAX_LINGER) > 0) {
            throw new IllegalArgumentException("linger must be between 0 and " + MAX_LINGER.toSeconds() + " seconds");
        }
        if (borrow == null) {
            throw new IllegalArgumentException("borrow policy is required");
        }
    }
}
