package dev.usher.cli.bench;

/**
 * A log-linear histogram of non-negative values (latencies in nanoseconds), in the spirit of
 * HdrHistogram but tiny: values below 128 are counted exactly; above, every power of two is split
 * into 64 equal buckets, so a reported percentile is within 1/64 (1.6%) of the true value. Fixed
 * memory (about 30 KB) whatever the number of samples; not thread-safe: every load thread records
 * into its own and the results are {@linkplain #add merged}.
 */
public final class Histogram {

    /** Sub-bucket resolution: 2^SUB_BITS exact values, then 2^(SUB_BITS-1) buckets per power of two. */
    private static final int SUB_BITS = 7;
    private static final int SUB_COUNT = 1 << SUB_BITS;          // 128
    private static final int HALF = SUB_COUNT >>> 1;             // 64
    private static final int BUCKETS = SUB_COUNT + (63 - SUB_BITS) * HALF;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    /** Records one value; negative values count as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(v)]++;
        total++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    /** Adds every sample of {@code other} to this histogram. */
    public void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    public long min() {
        return total == 0 ? 0 : min;
    }

    public long max() {
        return max;
    }

    public double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * The value at {@code percentile} (0 &lt; p &le; 100): the smallest recorded bucket such that at
     * least p% of the samples are at or below it, reported as the bucket's upper bound (never above
     * the largest value recorded). 0 when empty.
     */
    public long percentile(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + percentile);
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(percentile / 100.0 * total);
        rank = Math.max(1, Math.min(total, rank));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, upperBound(i)));
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB_COUNT) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);          // >= SUB_BITS
        int shift = exponent - (SUB_BITS - 1);
        int top = (int) (v >>> shift);                              // in [HALF, SUB_COUNT)
        return SUB_COUNT + (exponent - SUB_BITS) * HALF + (top - HALF);
    }

    /** The smallest value that falls into bucket {@code i}. */
    static long lowerBound(int i) {
        if (i < SUB_COUNT) {
            return i;
        }
        int exponent = (i - SUB_COUNT) / HALF + SUB_BITS;
        int top = (i - SUB_COUNT) % HALF + HALF;
        return (long) top << (exponent - (SUB_BITS - 1));
    }

    /** The largest value that falls into bucket {@code i}. */
    static long upperBound(int i) {
        return i + 1 < BUCKETS ? lowerBound(i + 1) - 1 : Long.MAX_VALUE;
    }
}
