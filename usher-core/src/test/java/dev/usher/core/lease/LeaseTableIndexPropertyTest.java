package dev.usher.core.lease;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Heartbeats do not move a lease in the expiry index; {@link LeaseTable#lapsed} moves it when its indexed end
 * comes. Whatever the order of puts, heartbeats, removals and looks at any instant, {@code lapsed(t)} must be
 * exactly the sessions whose lease (as {@link LeaseTable#get} reports it) ended at or before {@code t}.
 */
class LeaseTableIndexPropertyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final List<String> SESSIONS = List.of("a", "b", "c", "d", "e");

    /**
     * kind: 0 put (lease ends at {@code second}), 1 heartbeat at {@code second}, 2 remove, 3 look at {@code second},
     * 4 a clock step by {@code second - 75} seconds that moves every lease. {@code millis} puts instants inside a
     * second too: the index buckets leases by the second, so ends and looks within one second must be told apart.
     */
    record Op(int kind, String session, int second, int millis) {
        Instant at() {
            return T0.plusSeconds(second).plusMillis(millis);
        }

        @Override
        public String toString() {
            return switch (kind) {
                case 0 -> "put " + session + " ending at " + second + "." + millis;
                case 1 -> "heartbeat " + session + " at " + second + "." + millis;
                case 2 -> "remove " + session;
                case 3 -> "lapsed at " + second + "." + millis;
                default -> "clock step by " + (second - 75) + " s";
            };
        }
    }

    @Property(tries = 500, seed = "20261203")
    void lapsedIsExactlyTheLeasesThatEnded(@ForAll("runs") List<Op> ops) {
        LeaseTable table = new LeaseTable();
        Set<String> live = new HashSet<>();
        for (Op op : ops) {
            Instant at = op.at();
            switch (op.kind()) {
                case 0 -> {
                    table.put(op.session(), at, T0);
                    live.add(op.session());
                }
                case 1 -> table.heartbeat(op.session(), at, TTL);
                case 2 -> {
                    table.remove(op.session());
                    live.remove(op.session());
                }
                case 4 -> table.shift(new ClockSteps.LeaseShift(Duration.ofSeconds(op.second() - 75L), Instant.MAX, T0.minusSeconds(100_000)));
                default -> { }
            }
            // Look at several instants after every step, in no particular order: each look may move leases.
            for (Instant t : new Instant[] {at, at.plusSeconds(15), at.minusSeconds(10), at.plusMillis(1), at.minusMillis(1),
                    T0.plusSeconds(400)}) {
                Set<String> ended = new TreeSet<>();
                for (String s : live) {
                    if (!table.get(s).orElseThrow().expiresAt().isAfter(t)) {
                        ended.add(s);
                    }
                }
                assertThat(new TreeSet<>(table.lapsed(t, 100))).as("lapsed at %s after %s", t, op).isEqualTo(ended);
            }
        }
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 4),
                Arbitraries.of(SESSIONS),
                Arbitraries.integers().between(0, 150),
                Arbitraries.of(0, 1, 499, 500, 999)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }
}
