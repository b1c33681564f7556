package dev.usher.core.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * When a failed delivery is tried again: exponential back-off from {@code first}, doubling, at most
 * {@code longest} apart, and no more than {@code attempts} tries in all. A receiver that is down for
 * an afternoon still gets the message; one that is gone for good stops being tried within a day.
 */
public record RetrySchedule(Duration first, Duration longest, int attempts) {

    /** 30 s, 1, 2, 4, 8, 16, 32 min, then hourly: 12 tries over about 6 hours. */
    public static final RetrySchedule DEFAULT = new RetrySchedule(Duration.ofSeconds(30), Duration.ofHours(1), 12);

    public RetrySchedule {
        if (first.isNegative() || first.isZero() || longest.compareTo(first) < 0 || attempts < 1) {
            throw new IllegalArgumentException("a retry schedule needs 0 < first <= longest and at least one attempt");
        }
    }

    /** How long to wait after the {@code made}-th failed attempt; empty when that was the last one. */
    public Optional<Duration> after(int made) {
        if (made >= attempts) {
            return Optional.empty();
        }
        Duration d = first;
        for (int i = 1; i < made && d.compareTo(longest) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return Optional.of(d.compareTo(longest) > 0 ? longest : d);
    }
}
