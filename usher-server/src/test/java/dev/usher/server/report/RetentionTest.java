package dev.usher.server.report;

import dev.usher.core.usage.UsageHistory;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention with short windows (minutes 1 day, hours and person-days 2 days, days 3 days), the
 * recorder ticking every hour of a simulated week: a row is deleted exactly when its start is before
 * now minus its window; the row starting exactly at that cutoff stays.
 */
class RetentionTest {

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private static long ms(String t) {
        return Instant.parse(t).toEpochMilli();
    }

    @Test
    void retention_deletes_exactly_what_is_past_its_window() {
        server = TestServer.start(dir, c -> c.withReports(ReportSettings.DEFAULT.withRetention(
                Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(3))));
        server.license("cad", "cal", 2);
        server.server().seats().checkout("s1", "cad", "cal", "alice", "ws1", "test"); // held all week
        UsageRecorder recorder = server.server().usageRecorder();
        UsageHistory store = recorder.store();
        Instant end = Instant.parse("2026-06-07T00:00:00Z");
        for (Instant t = Instant.parse("2026-06-01T13:00:00Z"); t.isBefore(end); t = t.plus(Duration.ofHours(1))) {
            server.clock().set(t);
            recorder.tick();
        }
        long all = ms("2026-01-01T00:00:00Z");
        long far = ms("2027-01-01T00:00:00Z");
        // Before the last tick: the rows just before the coming cutoffs are there.
        assertThat(store.rows(UsageRow.Step.MINUTE, "cad", "cal", ms("2026-06-05T23:59:00Z"), ms("2026-06-06T00:01:00Z"))).hasSize(2);
        assertThat(store.rows(UsageRow.Step.HOUR, "cad", "cal", ms("2026-06-04T23:00:00Z"), ms("2026-06-05T01:00:00Z"))).hasSize(2);

        server.clock().set(end);
        recorder.tick();

        List<UsageRow> minutes = store.rows(UsageRow.Step.MINUTE, "cad", "cal", all, far);
        assertThat(minutes.getFirst().start()).isEqualTo(ms("2026-06-06T00:00:00Z"));
        assertThat(minutes).hasSize(1439); // 00:00 .. 23:58 (23:59 ends after now minus the settle time)
        List<UsageRow> hours = store.rows(UsageRow.Step.HOUR, "cad", "cal", all, far);
        assertThat(hours.getFirst().start()).isEqualTo(ms("2026-06-05T00:00:00Z"));
        assertThat(hours).hasSize(24 + 23);
        assertThat(store.rows(UsageRow.Step.DAY, "cad", "cal", all, far)).extracting(UsageRow::start)
                .containsExactly(ms("2026-06-04T00:00:00Z"), ms("2026-06-05T00:00:00Z"));
        assertThat(store.userDays("cad", "cal", null, all, far)).extracting(UserDay::day)
                .containsExactly(ms("2026-06-05T00:00:00Z"), ms("2026-06-06T00:00:00Z"));
        // What is kept is still right: alice held her seat the whole day.
        assertThat(store.rows(UsageRow.Step.DAY, "cad", "cal", all, far).getLast().seatMs()).isEqualTo(86_400_000L);
    }
}
