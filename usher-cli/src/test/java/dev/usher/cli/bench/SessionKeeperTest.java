package dev.usher.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.server.testing.TestServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench hold} keeps the sessions it has created alive while it creates the rest (1M sessions take longer to
 * create than a lease lasts). Against a real server whose clock the test moves past the lease of the first sessions.
 */
class SessionKeeperTest {

    @TempDir
    Path dir;

    @Test
    void createdSessionsAreHeartbeatenSoTheyOutliveTheirFirstLease() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            server.license("demo", "cal", 50);
            Target target = Target.parse(server.server().localUrl());
            Load load = new Load(target, 5_000, false);
            Plan plan = Plan.of(4, 20, 20, Optional.empty(), false, true); // a user each: a seat each
            Scenario scenario = new Scenario("demo", "cal", plan);
            SessionKeeper keeper = scenario.keeper(load, 2, Duration.ofMillis(20));
            PhaseResult created = scenario.createSessions(load, Duration.ofMinutes(1), keeper);
            assertThat(created.errors()).isZero();
            assertThat(created.operations()).isEqualTo(20);

            // Most of a lease (120 s) passes on the server's clock; every session must be beaten after that.
            server.clock().advance(Duration.ofSeconds(100));
            // A heartbeat answered after this mark may have been served just before the clock moved; the next one of
            // the same session (one walker sends them in turn) was sent after that answer, so after the move.
            long moved = System.nanoTime();
            awaitKeptSince(keeper, moved, 20);
            awaitKeptSince(keeper, System.nanoTime(), 20);
            // Past the first lease of every session: they all live on only through the keeper's heartbeats.
            server.clock().advance(Duration.ofSeconds(100));
            server.server().sweeper().sweep();
            PhaseResult kept = keeper.stop();

            assertThat(kept.errors()).as("heartbeats refused: %s", kept.errorSamples()).isZero();
            assertThat(kept.operations()).isGreaterThanOrEqualTo(20);
            assertThat(server.server().seats().pools()).singleElement()
                    .satisfies(p -> assertThat(p.inUse()).as("seats held after two lease lengths").isEqualTo(20));
        }
    }

    /**
     * While the connections create their slices, most sessions below the highest one created do not exist yet: a walker
     * that finds nothing to do in a round rests before the next instead of walking over them again at once (it used to,
     * taking both cores of the machine from the server it was measuring, so that creating 100,000 sessions stalled).
     */
    @Test
    void aWalkerThatFindsNothingDueRestsBetweenRounds() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            Target target = Target.parse(server.server().localUrl());
            Load load = new Load(target, 5_000, false);
            String[] paths = new String[100_000];
            java.util.Arrays.fill(paths, "/api/v1/sessions/none/heartbeat");
            SessionKeeper keeper = load.keeper(paths, 4, () -> Duration.ofSeconds(40).toNanos());
            keeper.created(paths.length - 1); // the last one only: every other is still being created
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (keeper.rounds() < 40) {
                assertThat(System.nanoTime()).as("40 rounds within 30 s").isLessThan(deadline);
                Thread.sleep(10);
            }
            keeper.stop();
            // Each round ends in a rest (or waits for the one session created): never a round straight after another.
            assertThat(keeper.pauses()).as("rests, for %d rounds", keeper.rounds()).isGreaterThanOrEqualTo(keeper.rounds() - 4);
        }
    }

    private static void awaitKeptSince(SessionKeeper keeper, long nanos, int sessions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (keeper.keptSince(nanos) < sessions) {
            assertThat(System.nanoTime()).as("every session heartbeaten within 30 s (%d were)", keeper.keptSince(nanos))
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
