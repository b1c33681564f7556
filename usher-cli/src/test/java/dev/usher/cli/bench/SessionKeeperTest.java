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

    /**
     * A keeper that cannot send its heartbeats when they are due says it is late, so that creating gives way to it, and
     * stops saying so once it has caught up. One walker, a 1 ms interval and 2,000 sessions: it is late through its
     * first round. The sessions do not exist, so each first heartbeat is answered 410 and the session is dropped: after
     * the round nothing is due and the walker is not late any more.
     */
    @Test
    void aKeeperBehindItsHeartbeatsIsLateUntilItCatchesUp() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            Target target = Target.parse(server.server().localUrl());
            String[] paths = new String[2_000];
            for (int i = 0; i < paths.length; i++) {
                paths[i] = "/api/v1/sessions/none-" + i + "/heartbeat";
            }
            SessionKeeper keeper = new SessionKeeper(paths, java.util.List.of(target.address()), 1, 5_000,
                    Thread.ofVirtual().factory(), () -> Duration.ofMillis(1).toNanos(), Duration.ofMillis(20).toNanos());
            assertThat(keeper.late()).as("nothing created, nothing due").isFalse();
            for (int i = 0; i < paths.length; i++) {
                keeper.created(i);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!keeper.late()) {
                assertThat(System.nanoTime()).as("late within 30 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            while (keeper.late()) {
                assertThat(System.nanoTime()).as("caught up within 30 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            PhaseResult kept = keeper.stop();
            assertThat(kept.errors()).as("every heartbeat answered 410").isEqualTo(paths.length);
            assertThat(keeper.late()).as("a stopped keeper holds nothing back").isFalse();
        }
    }

    /**
     * Creating waits while the keeper is late: no checkout is sent while the gate is closed however long that lasts
     * (here: until the workers have asked it 50 times, 5 ms apart), and all are sent once it opens.
     */
    @Test
    void aCountedPhaseGivesWayWhileTold() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            Load load = new Load(Target.parse(server.server().localUrl()), 5_000, false);
            java.util.concurrent.atomic.AtomicBoolean giveWay = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
            var phase = java.util.concurrent.CompletableFuture.supplyAsync(() -> load.counted("t", "t", "ops/s", 2, 10,
                    Duration.ofMinutes(1), () -> {
                        asked.incrementAndGet();
                        return giveWay.get();
                    }, (w, i) -> {
                        ran.incrementAndGet();
                        if (Worker.ok(w.call("GET", "/healthz", null, null))) {
                            w.completed();
                        }
                    }));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (asked.get() < 50) {
                assertThat(System.nanoTime()).as("the gate asked 50 times within 30 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            assertThat(ran.get()).as("steps run while told to give way").isZero();
            giveWay.set(false);
            PhaseResult done = phase.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ran.get()).isEqualTo(10);
            assertThat(done.operations()).isEqualTo(10);
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
