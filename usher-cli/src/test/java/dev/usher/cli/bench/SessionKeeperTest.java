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
            Load load = loadOn(server);
            Scenario scenario = scenarioOf(20);
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
     * A walker with nothing due rests until the head of the line is due instead of looking again at once (an earlier
     * keeper spun over sessions not yet created, taking both cores of the machine from the server it was measuring).
     */
    @Test
    void aWalkerWithNothingDueRests() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            Load load = loadOn(server);
            String[] paths = new String[100_000];
            java.util.Arrays.fill(paths, "/api/v1/sessions/none/heartbeat");
            SessionKeeper keeper = load.keeper(paths, 4, () -> Duration.ofSeconds(40).toNanos());
            long t0 = System.nanoTime();
            keeper.created(paths.length - 1); // one session, due in 40 s
            long deadline = t0 + Duration.ofSeconds(30).toNanos();
            while (keeper.idleLooks() < 40) {
                assertThat(System.nanoTime()).as("40 looks within 30 s").isLessThan(deadline);
                Thread.sleep(10);
            }
            PhaseResult kept = keeper.stop();
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(kept.operations() + kept.errors()).as("heartbeats sent before one was due").isZero();
            // 4 walkers, a rest of at most 20 ms after each look: a spinning walker would make millions.
            assertThat(keeper.idleLooks()).as("looks in %d ms", elapsedMs).isLessThanOrEqualTo(4 * (elapsedMs / 10 + 2));
            assertThat(keeper.pauses()).isEqualTo(keeper.idleLooks());
        }
    }

    /**
     * When creating takes many intervals, the first sessions are beaten again and again while the rest are still
     * being created, not once per creation. One walker, a 200 ms interval, 50 sessions created over 2 s: at the end
     * every one was beaten (or created) within the last three intervals. The keeper before this one followed the
     * creation one interval behind and beat the first session once, at 200 ms.
     */
    @Test
    void sessionsAreBeatenAgainWhileTheCreationGoesOn() throws Exception {
        try (TestServer server = TestServer.start(dir.resolve("data"))) {
            server.license("demo", "cal", 50);
            Load load = loadOn(server);
            Scenario scenario = scenarioOf(50);
            assertThat(scenario.createSessions(load, Duration.ofMinutes(1)).errors()).isZero();
            Duration interval = Duration.ofMillis(200);
            SessionKeeper keeper = scenario.keeper(load, 1, interval);
            for (int i = 0; i < 50; i++) {
                keeper.created(i); // as a creation that takes 2 s would report them
                Thread.sleep(40);
            }
            long end = System.nanoTime();
            long firstBeatenMsAgo = (end - keeper.lastBeatOf(0)) / 1_000_000;
            int kept = keeper.keptSince(end - 3 * interval.toNanos());
            PhaseResult beats = keeper.stop();
            assertThat(beats.errors()).as("heartbeats refused: %s", beats.errorSamples()).isZero();
            assertThat(firstBeatenMsAgo).as("the first session's last beat, ms before the end").isLessThan(3 * interval.toMillis());
            assertThat(kept).as("sessions beaten or created in the last three intervals").isEqualTo(50);
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
            Load load = loadOn(server);
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

    private static Load loadOn(TestServer server) {
        return new Load(Target.parse(server.server().localUrl()), 5_000, false);
    }

    /** {@code sessions} sessions of as many people on demo/cal: a seat each. */
    private static Scenario scenarioOf(int sessions) {
        return new Scenario("demo", "cal", Plan.of(4, sessions, sessions, Optional.empty(), false, true));
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
