package dev.usher.core.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Tells a step of the wall clock (NTP stepping it, an administrator setting it) from time passing, by
 * comparing how far the wall clock and a monotonic clock moved between two looks.
 *
 * <p>Leases are wall-clock instants. Without this, a step of +30 minutes makes every lease look 30
 * minutes overdue (every seat is freed at the next sweep), and a step back keeps dead seats 30 minutes
 * longer. A step found here is what the leases are shifted by, so that they keep the length of time
 * they had left.
 *
 * <p>The bound: two readings taken back to back differ by microseconds, and NTP slewing (as opposed to
 * stepping) changes the wall clock's rate by at most 500 ppm. So a difference above
 * {@link #MIN_STEP} plus 0.1 % of the time elapsed is a step, never jitter or drift; 5 s is also the
 * disagreement tolerated between the nodes of a cluster. A smaller step moves leases by less than that
 * and is left alone. It does not depend on the sweep interval, because both clocks are read at the same
 * moment, however late the sweep runs.
 *
 * <p>One look per sweep, and one for each heartbeat about to be refused as lapsed (a step ahead may come
 * before the sweep that would have found it): the sweeper runs both under its lock, so a step is found, and
 * the leases moved, once.
 */
public final class ClockSteps {

    public static final Duration MIN_STEP = Duration.ofSeconds(5);

    /**
     * A step of {@code size} (positive: the wall clock jumped ahead), seen at the latest when the old clock
     * showed {@code oldClockUpTo}.
     */
    public record Step(Duration size, Instant oldClockUpTo) {

        /**
         * Which leases to move, and by how much. The step happened somewhere between two looks, and leases
         * renewed in between already run on the new clock: moving them too would count the step twice. A
         * lease set on the old clock is told apart: after a step ahead, by a last heartbeat no later than
         * the old clock could have shown; after a step back, by an end later than {@code now + ttl}, which
         * no lease set on the new clock can have.
         */
        public LeaseShift leases(Instant now, Duration ttl) {
            return size.isNegative() ? new LeaseShift(size, Instant.MAX, now.plus(ttl))
                    : new LeaseShift(size, oldClockUpTo, Instant.EPOCH);
        }
    }

    /** Move by {@code by} every lease last heartbeated at or before {@code heartbeatUpTo} and ending after {@code endsAfter}. */
    public record LeaseShift(Duration by, Instant heartbeatUpTo, Instant endsAfter) {

        public boolean covers(long lastHeartbeatMs, long expiresAtMs) {
            return lastHeartbeatMs <= millis(heartbeatUpTo) && expiresAtMs > millis(endsAfter);
        }

        /** {@link Instant#MAX} as the largest epoch millisecond (it has none of its own). */
        public static long millis(Instant t) {
            return t.equals(Instant.MAX) ? Long.MAX_VALUE : t.toEpochMilli();
        }
    }

    private boolean looked;
    private long lastWallMs;
    private long lastMonoNs;

    /** Looks at both clocks now; a step since the previous look, if there was one. The first look never finds one. */
    public synchronized Optional<Step> look(Instant wall, long monoNanos) {
        long wallMs = wall.toEpochMilli();
        try {
            if (!looked) {
                return Optional.empty();
            }
            long monoMs = (monoNanos - lastMonoNs) / 1_000_000L;
            long stepMs = (wallMs - lastWallMs) - monoMs;
            long bound = MIN_STEP.toMillis() + Math.abs(monoMs) / 1000;
            if (Math.abs(stepMs) <= bound) {
                return Optional.empty();
            }
            // The latest instant the old clock could have shown before the step.
            return Optional.of(new Step(Duration.ofMillis(stepMs), Instant.ofEpochMilli(lastWallMs + monoMs)));
        } finally {
            looked = true;
            lastWallMs = wallMs;
            lastMonoNs = monoNanos;
        }
    }
}
