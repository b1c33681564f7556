package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;

/**
 * A pool over one period (minute, hour or day).
 *
 * @param seatMs        seats in use integrated over the period, in seat-milliseconds (average = seatMs / length)
 * @param capacity      licensed seats (the largest of the period)
 * @param distinctUsers people who held a seat at some time in the period
 * @param refusedUsers  people refused for want of a seat: in a minute; for hours and days the most of any minute
 * @param demandPeak    the largest (in use + people refused) of any minute: the seats that would have served everyone
 */
public record UsageRow(Step step, PoolKey pool, long start, int peak, long seatMs, int capacity, int grants,
                       int deniedNoSeats, int deniedNotEntitled, int deniedNotLicensed, int distinctUsers,
                       int refusedUsers, int demandPeak) {

    public enum Step {
        MINUTE(60_000L), HOUR(3_600_000L), DAY(86_400_000L);

        private final long millis;

        Step(long millis) {
            this.millis = millis;
        }

        public long millis() {
            return millis;
        }

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Step fromCode(String code) {
            for (Step s : values()) {
                if (s.code().equals(code)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("step must be minute, hour or day (got '" + code + "')");
        }
    }

    public double averageInUse() {
        return seatMs / (double) step.millis();
    }
}
