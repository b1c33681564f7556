package dev.usher.server.notify;

import java.time.Duration;
import java.time.Instant;

/** For a watch too costly to run every tick: due at the first call, then once per {@code every} of the clock. */
final class Pace {

    private final Duration every;
    private Instant next = Instant.MIN;

    Pace(Duration every) {
        this.every = every;
    }

    /** True when due at {@code now} (and then not again before {@code now + every}). */
    synchronized boolean due(Instant now) {
        if (now.isBefore(next)) {
            return false;
        }
        next = now.plus(every);
        return true;
    }
}
