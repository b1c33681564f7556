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

    /** kind: 0 put (lease ends at {@code second}), 1 heartbeat at {@code second}, 2 remove, 3 look at {@code second}. */
    record Op(int kind, String session, int second) {
        @Override
        public String toString() {
            return switch (kind) {
                case 0 -> "put " + session + " ending at " + second;
                case 1 -> "heartbeat " + session + " at " + second;
                case 2 -> "remove " + session;
                default -> "lapsed at " + second;
            };
        }
    }

    @Property(tries = 500, seed = "20261203")
    void lapsedIsExactlyTheLeasesThatEnded(@ForAll("runs") List<Op> ops) {
        LeaseTable table = new LeaseTable();
        Set<String> live = new HashSet<>();
        for (Op op : ops) {
            Instant at = T0.plusSeconds(op.second());
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
                default -> { }
            }
            // Look at several instants after every step, in no particular order: each look may move leases.
            for (int second : new int[] {op.second(), op.second() + 15, op.second() - 10, 200}) {
                Instant t = T0.plusSeconds(second);
                Set<String> ended = new TreeSet<>();
                for (String s : live) {
                    if (!table.get(s).orElseThrow().expiresAt().isAfter(t)) {
                        ended.add(s);
                    }
                }
                assertThat(new TreeSet<>(table.lapsed(t, 100))).as("lapsed at %s after %s", second, op).isEqualTo(ended);
            }
        }
    }

    @Provide
    Arbitrary<List<Op>> runs() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.integers().between(0, 3),
                Arbitraries.of(SESSIONS),
                Arbitraries.integers().between(0, 150)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }
}
