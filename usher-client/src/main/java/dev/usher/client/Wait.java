package dev.usher.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How long {@link UsherClient#checkout(String, Wait)} may wait in the server's first-come
 * first-served line when every seat is taken.
 */
public final class Wait {

    /** The server's limit. */
    public static final Duration MAX = Duration.ofSeconds(300);
    public static final Wait NONE = new Wait(Duration.ZERO);

    private final Duration duration;

    public Wait(Duration duration) {
        if (duration == null || duration.isNegative() || duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("a wait is between 0 and " + MAX.getSeconds() + " seconds");
        }
        this.duration = duration;
    }

    /** Wait at most {@code d} (whole seconds; at most 5 minutes). */
    public static Wait upTo(Duration d) {
        return new Wait(d);
    }

    public Duration duration() {
        return duration;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Wait && ((Wait) o).duration.equals(duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(duration);
    }

    @Override
    public String toString() {
        return "Wait[" + duration + "]";
    }
}
