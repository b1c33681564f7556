package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class HistogramTest {

    @Test
    void anEmptyHistogramReportsZeros() {
        Histogram h = new Histogram();
        assertThat(h.count()).isZero();
        assertThat(h.percentile(50)).isZero();
        assertThat(h.percentile(99)).isZero();
        assertThat(h.min()).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.mean()).isZero();
    }

    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertThat(h.percentile(50)).isEqualTo(50);
        assertThat(h.percentile(99)).isEqualTo(99);
        assertThat(h.percentile(100)).isEqualTo(100);
        assertThat(h.percentile(0.5)).isEqualTo(1);
        assertThat(h.min()).isEqualTo(1);
        assertThat(h.max()).isEqualTo(100);
        assertThat(h.mean()).isEqualTo(50.5);
    }

    @Test
    void percentilesOfLatenciesAreWithinTheBucketPrecision() {
        // a million latencies between 50 µs and 80 ms, log-uniform, compared with exact sorting
        SplittableRandom random = new SplittableRandom(42);
        long[] values = new long[1_000_000];
        Histogram h = new Histogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(Math.log(50_000) + random.nextDouble() * (Math.log(80_000_000) - Math.log(50_000)));
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 99.99, 100}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat((double) h.percentile(p)).as("p%s", p).isCloseTo(exact, within(exact / 64.0 + 1));
            assertThat(h.percentile(p)).as("never below the true value").isGreaterThanOrEqualTo(exact);
        }
        assertThat(h.percentile(100)).isEqualTo(values[values.length - 1]);
        assertThat(h.count()).isEqualTo(values.length);
    }

    @Test
    void aSkewedDistributionHasItsTailWhereItBelongs() {
        Histogram h = new Histogram();
        for (int i = 0; i < 990; i++) {
            h.record(1_000_000); // 1 ms
        }
        for (int i = 0; i < 10; i++) {
            h.record(250_000_000); // 250 ms
        }
        assertThat(h.percentile(50)).isBetween(1_000_000L, 1_016_000L);
        assertThat(h.percentile(99)).isBetween(1_000_000L, 1_016_000L);
        assertThat(h.percentile(99.1)).isEqualTo(250_000_000L);
    }

    @Test
    void mergingEqualsRecordingEverythingInOne() {
        Histogram a = new Histogram();
        Histogram b = new Histogram();
        Histogram all = new Histogram();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong(1, 50_000_000);
            (i % 3 == 0 ? a : b).record(v);
            all.record(v);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(all.count());
        assertThat(a.min()).isEqualTo(all.min());
        assertThat(a.max()).isEqualTo(all.max());
        assertThat(a.mean()).isCloseTo(all.mean(), within(1e-6));
        for (double p : new double[] {50, 90, 99, 99.9}) {
            assertThat(a.percentile(p)).isEqualTo(all.percentile(p));
        }
    }

    @Test
    void bucketsTileTheWholeRangeWithoutGapsOrOverlaps() {
        long previousUpper = -1;
        for (int i = 0; Histogram.upperBound(i) != Long.MAX_VALUE; i++) {
            long lo = Histogram.lowerBound(i);
            long hi = Histogram.upperBound(i);
            assertThat(lo).isEqualTo(previousUpper + 1);
            assertThat(Histogram.index(lo)).isEqualTo(i);
            assertThat(Histogram.index(hi)).isEqualTo(i);
            assertThat((double) (hi - lo + 1)).as("bucket %d width", i).isLessThanOrEqualTo(Math.max(1, lo / 64.0));
            previousUpper = hi;
        }
        Histogram h = new Histogram();
        h.record(Long.MAX_VALUE);
        h.record(-5);
        assertThat(h.max()).isEqualTo(Long.MAX_VALUE);
        assertThat(h.min()).isZero();
        assertThat(h.percentile(100)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void percentilesOutsideTheRangeAreRefused() {
        Histogram h = new Histogram();
        assertThatThrownBy(() -> h.percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.percentile(100.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.percentile(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
