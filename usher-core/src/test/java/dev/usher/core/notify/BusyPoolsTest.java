package dev.usher.core.notify;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.usage.UsageRow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BusyPoolsTest {

    static final PoolKey POOL = new PoolKey("cad", "modeler");
    static final long T0 = Instant.parse("2026-06-01T12:00:00Z").toEpochMilli();

    /** A minute of a 10-seat pool with {@code inUse} seats held all minute long. */
    private static UsageRow minute(int i, int inUse) {
        return new UsageRow(UsageRow.Step.MINUTE, POOL, T0 + i * 60_000L, inUse, inUse * 60_000L, 10, 0, 0, 0, 0, inUse, 0, inUse);
    }

    @Test
    void a_pool_busy_for_the_last_minutes_back_to_back_is_found_and_a_short_burst_is_not() {
        List<UsageRow> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(minute(i, i < 5 ? 3 : 9)); // busy (90%) from minute 5 on: 15 minutes
        }
        Instant now = Instant.ofEpochMilli(T0 + 20 * 60_000L);
        assertThat(BusyPools.of(rows, 90, 15, Duration.ofHours(1), now)).singleElement().satisfies(a -> {
            assertThat(a.key()).isEqualTo("pool-busy:cad/modeler");
            assertThat(a.quiet()).isEqualTo(Duration.ofHours(1));
            assertThat(a.subject()).isEqualTo("cad/modeler has been at or above 90% of its 10 seats for 15 minutes");
            assertThat(a.facts()).containsEntry("since", "2026-06-01T12:05:00Z");
        });
        assertThat(BusyPools.of(rows, 90, 16, Duration.ofHours(1), now)).as("not yet 16 minutes").isEmpty();
        assertThat(BusyPools.of(rows, 95, 1, Duration.ofHours(1), now)).as("9 of 10 is below 95%").isEmpty();

        rows.set(12, minute(12, 8)); // one quieter minute breaks the run
        assertThat(BusyPools.of(rows, 90, 15, Duration.ofHours(1), now)).isEmpty();
        rows.set(12, minute(12, 9));
        rows.remove(12); // a missing minute breaks it too
        assertThat(BusyPools.of(rows, 90, 15, Duration.ofHours(1), now)).isEmpty();
    }
}
