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
            long moved = System.nanoTime();
            server.clock().advance(Duration.ofSeconds(100));
            awaitKeptSince(keeper, moved, 20);
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

    private static void awaitKeptSince(SessionKeeper keeper, long nanos, int sessions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (keeper.keptSince(nanos) < sessions) {
            assertThat(System.nanoTime()).as("every session heartbeaten within 30 s (%d were)", keeper.keptSince(nanos))
                    .isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
