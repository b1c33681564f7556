package dev.usher.core.lease;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Leases across a step of the wall clock: what a sweep does (look at both clocks, shift, collect the lapsed). */
class LeaseTableClockStepTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(120);
    private static final long SECOND = 1_000_000_000L;

    private final LeaseTable table = new LeaseTable();
    private final ClockSteps steps = new ClockSteps();

    /** One sweep at wall time {@code wall} and monotonic time {@code mono}: the sessions it would end. */
    private java.util.List<String> sweep(Instant wall, long mono) {
        steps.look(wall, mono).ifPresent(step -> table.shift(step.leases(wall, TTL)));
        return table.lapsed(wall, 100);
    }

    @Test
    void aStepAheadMovesTheLeasesSoAHeartbeatASecondAgoKeepsItsSeat() {
        table.put("s1", T0.plus(TTL), T0);
        assertThat(sweep(T0, 0)).isEmpty();
        table.heartbeat("s1", T0.plusSeconds(4), TTL);

        // NTP steps the wall clock 30 minutes ahead while 5 s pass.
        Instant wall = T0.plus(Duration.ofMinutes(30)).plusSeconds(5);
        assertThat(sweep(wall, 5 * SECOND)).isEmpty();
        assertThat(table.get("s1").orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(4).plus(TTL).plus(Duration.ofMinutes(30)));
        // It lapses one TTL after its heartbeat, as time really passes.
        assertThat(sweep(wall.plus(TTL).minusSeconds(2), (5 + 120 - 2) * SECOND)).isEmpty();
        assertThat(sweep(wall.plus(TTL), (5 + 120) * SECOND)).containsExactly("s1");
    }

    @Test
    void aStepBackDoesNotKeepALapsedLeaseThirtyMinutesLonger() {
        table.put("s1", T0.plus(TTL), T0);
        assertThat(sweep(T0, 0)).isEmpty();

        // 10 s pass, and the wall clock is stepped 30 minutes back.
        Instant back = T0.minus(Duration.ofMinutes(30));
        assertThat(sweep(back.plusSeconds(10), 10 * SECOND)).isEmpty();
        assertThat(table.get("s1").orElseThrow().expiresAt()).isEqualTo(back.plus(TTL));
        // No heartbeat came: the lease is over once the TTL really passed, not 30 minutes later.
        assertThat(sweep(back.plus(TTL).minusSeconds(1), 119 * SECOND)).isEmpty();
        assertThat(sweep(back.plus(TTL), 120 * SECOND)).containsExactly("s1");
    }

    @Test
    void leasesSetOnTheNewClockBeforeTheStepIsSeenAreNotMovedTwice() {
        table.put("old", T0.plus(TTL), T0);
        sweep(T0, 0);
        // Stepped ahead 30 minutes; 2 s later a new session starts on the new clock, 3 s later the sweep sees the step.
        Instant stepped = T0.plus(Duration.ofMinutes(30));
        table.put("new", stepped.plusSeconds(2).plus(TTL), stepped.plusSeconds(2));
        sweep(stepped.plusSeconds(5), 5 * SECOND);
        assertThat(table.get("new").orElseThrow().expiresAt()).isEqualTo(stepped.plusSeconds(2).plus(TTL));
        assertThat(table.get("old").orElseThrow().expiresAt()).isEqualTo(stepped.plus(TTL));

        // Stepped back 30 minutes; a session started on the new clock keeps its end.
        Instant back = stepped.plusSeconds(5).minus(Duration.ofMinutes(30));
        table.put("newer", back.plusSeconds(1).plus(TTL), back.plusSeconds(1));
        sweep(back.plusSeconds(3), 8 * SECOND);
        assertThat(table.get("newer").orElseThrow().expiresAt()).isEqualTo(back.plusSeconds(1).plus(TTL));
        assertThat(table.get("old").orElseThrow().expiresAt()).isEqualTo(T0.plus(TTL));
    }

    @Test
    void driftAndJitterUnderTheBoundAreNotSteps() {
        steps.look(T0, 0);
        // 4.9 s of disagreement over a 5 s sweep, and 0.1 % over an hour: slewing, not a step.
        assertThat(steps.look(T0.plusMillis(9_900), 5 * SECOND)).isEmpty();
        assertThat(steps.look(T0.plusMillis(9_900 + 3_600_000 + 8_000), (5 + 3600) * SECOND)).isEmpty();
        assertThat(steps.look(T0.plusMillis(9_900 + 3_600_000 + 8_000 + 5_000 + 6_000), (5 + 3600 + 5) * SECOND))
                .hasValueSatisfying(s -> assertThat(s.size()).isEqualTo(Duration.ofSeconds(6)));
    }
}
