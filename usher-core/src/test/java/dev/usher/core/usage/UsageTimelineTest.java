package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The timeline alone: exact peaks and averages inside a minute, late events, and the nearest-rank percentiles. */
class UsageTimelineTest {

    static final PoolKey POOL = new PoolKey("cad", "cal");
    static final long T0 = Instant.parse("2026-06-01T10:00:00Z").toEpochMilli();

    private static UsageEvent ev(long id, long at, SeatEvent.Type type, String user, String seat, String reason, Integer inUse) {
        return new UsageEvent(id, at, type, POOL, user, "h-" + user, seat, reason, inUse);
    }

    @Test
    void a_minute_counts_peaks_average_users_and_refusals_exactly() {
        UsageTimeline t = new UsageTimeline(T0, 0, Map.of(), Map.of(), (p, at) -> 2, Set.of(POOL));
        t.feed(ev(1, T0 + 10_000, SeatEvent.Type.GRANT, "alice", "s1", null, 1));
        t.feed(ev(2, T0 + 20_000, SeatEvent.Type.GRANT, "bob", "s2", null, 2));
        t.feed(ev(3, T0 + 30_000, SeatEvent.Type.DENY, "carol", null, "no-seats-available", 2));
        t.feed(ev(4, T0 + 31_000, SeatEvent.Type.DENY, "carol", null, "no-seats-available", 2)); // a retry: one person
        t.feed(ev(5, T0 + 40_000, SeatEvent.Type.RELEASE, "alice", "s1", "check-in", 1));
        t.closeUntil(T0 + 120_000);
        UsageTimeline.Output out = t.drain();
        assertThat(out.minutes()).hasSize(2);
        UsageRow m = out.minutes().getFirst();
        // 10 s at 0, 10 s at 1, 20 s at 2, 20 s at 1
        assertThat(m.seatMs()).isEqualTo(10_000 + 2 * 20_000 + 20_000);
        assertThat(List.of(m.peak(), m.grants(), m.deniedNoSeats(), m.refusedUsers(), m.demandPeak(), m.distinctUsers(), m.capacity()))
                .containsExactly(2, 2, 2, 1, 3, 2, 2);
        UsageRow next = out.minutes().get(1);
        assertThat(List.of(next.peak(), next.distinctUsers())).containsExactly(1, 1);
        assertThat(next.seatMs()).isEqualTo(60_000);
        assertThat(out.userDays()).extracting(UserDay::user, UserDay::seatMs)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("alice", 30_000L),
                        org.assertj.core.groups.Tuple.tuple("bob", 100_000L));
    }

    @Test
    void a_limit_rules_refusal_while_seats_are_free_is_counted_but_is_no_demand() {
        // 6 seats; a limit rule keeps dave and erin out while only 2 are in use; then the pool fills and frank is refused.
        UsageTimeline t = new UsageTimeline(T0, 0, Map.of(), Map.of(), (p, at) -> 6, Set.of(POOL));
        t.feed(ev(1, T0 + 1_000, SeatEvent.Type.GRANT, "alice", "s1", null, 1));
        t.feed(ev(2, T0 + 2_000, SeatEvent.Type.GRANT, "bob", "s2", null, 2));
        t.feed(ev(3, T0 + 3_000, SeatEvent.Type.DENY, "dave", null, "no-seats-available", 2));
        t.feed(ev(4, T0 + 4_000, SeatEvent.Type.DENY, "erin", null, "no-seats-available", 2));
        t.closeUntil(T0 + 60_000);
        UsageRow limited = t.drain().minutes().getFirst();
        assertThat(List.of(limited.deniedNoSeats(), limited.refusedUsers(), limited.demandPeak())).containsExactly(2, 0, 2);

        for (int i = 3; i <= 6; i++) {
            t.feed(ev(2 + i, T0 + 60_000 + i * 1_000, SeatEvent.Type.GRANT, "u" + i, "s" + i, null, i));
        }
        t.feed(ev(20, T0 + 70_000, SeatEvent.Type.DENY, "frank", null, "no-seats-available", 6));
        t.closeUntil(T0 + 120_000);
        UsageRow full = t.drain().minutes().getFirst();
        assertThat(List.of(full.deniedNoSeats(), full.refusedUsers(), full.demandPeak())).containsExactly(1, 1, 7);
    }

    @Test
    void an_event_that_committed_after_its_minute_was_covered_counts_at_the_next_minute() {
        UsageTimeline t = new UsageTimeline(T0 + 60_000, 0, Map.of(), Map.of(), (p, at) -> 2, Set.of(POOL));
        t.feed(ev(1, T0 + 59_000, SeatEvent.Type.GRANT, "alice", "s1", null, 1));
        t.closeUntil(T0 + 120_000);
        UsageRow m = t.drain().minutes().getFirst();
        assertThat(m.start()).isEqualTo(T0 + 60_000);
        assertThat(m.seatMs()).isEqualTo(60_000);
        assertThat(m.grants()).isEqualTo(1);
    }

    @Test
    void percentiles_are_nearest_rank() {
        int[] sorted = new int[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = i + 1;
        }
        assertThat(RightSizing.percentile(sorted, 95)).isEqualTo(95);
        assertThat(RightSizing.percentile(sorted, 99)).isEqualTo(99);
        assertThat(RightSizing.percentile(sorted, 100)).isEqualTo(100);
        assertThat(RightSizing.percentile(new int[] {7}, 95)).isEqualTo(7);
        assertThat(RightSizing.percentile(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21}, 95))
                .isEqualTo(20); // ceil(0.95 * 21) = 20
    }
}
