package dev.usher.client;

import java.time.Duration;

/**
 * How long {@link UsherClient#checkout(String, Wait)} may wait in the server's first-come
 * first-served line when every seat is taken.
 */
public record Wait(Duration duration) {

    /** The server's limit. */
    public static final Duration MAX = Duration.ofSeconds(300);
    public static final Wait NONE = new Wait(Duration.ZERO);

    public Wait {
        if (duration == null || duration.isNegative() || duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("a wait is between 0 and " + MAX.toSeconds() + " seconds");
        }
    }

    /** Wait at most {@code d} (whole seconds; at most 5 minutes). */
    public static Wait upTo(Duration d) {
        return new Wait(d);
    }
}
