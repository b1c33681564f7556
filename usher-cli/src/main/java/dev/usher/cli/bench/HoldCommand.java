package dev.usher.cli.bench;

import dev.usher.cli.common.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code usher bench hold}: creates N live sessions and keeps them alive with heartbeats paced like
 * real clients for a bounded time, watching that the server keeps answering and, with
 * {@code --server-pid}, its memory. Run the server with a capped heap to check it fits, e.g.
 * {@code USHER_JAVA_OPTS=-Xmx512m ./usher serve ...}.
 */
@Command(name = "hold", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create N live sessions and keep them alive with paced heartbeats for a bounded time; report whether"
                + " the server kept serving, and its memory with --server-pid.",
                "Exits 2 when any request failed or the server stopped answering."})
final class HoldCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOptions options;

    @Option(names = "--sessions", defaultValue = "100000", description = "Live sessions to hold (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--duration", defaultValue = "60s",
            description = "How long to keep them alive after they are all created (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION",
            description = "Heartbeat every session once per this interval, while creating and while holding (default: while"
                    + " creating, two of the heartbeatSeconds the server asks for, which keeps a session alive; while"
                    + " holding, one, as clients do). 1,000,000 sessions under the default lease on a small machine: 80s.")
    String interval;

    @Option(names = "--probe-every", defaultValue = "5s", description = "How often to check the server while holding (default ${DEFAULT-VALUE}).")
    String probeEvery;

    @Option(names = "--full-gc",
            description = "With --server-pid: make the server run a full GC (jcmd GC.run) before its heap is read, so the"
                    + " reported heap is what the held sessions really keep alive.")
    boolean fullGc;

    @Override
    public Integer call() {
        Duration hold = Target.requireBetween("--duration", Target.parseDuration("--duration", duration),
                Duration.ofSeconds(1), Duration.ofMinutes(30));
        Duration every = Target.requireBetween("--probe-every", Target.parseDuration("--probe-every", probeEvery),
                Duration.ofMillis(500), Duration.ofMinutes(5));
        Duration fixedInterval = interval == null ? null : Target.requireBetween("--heartbeat-interval",
                Target.parseDuration("--heartbeat-interval", interval), Duration.ofMillis(100), Duration.ofHours(1));
        Target.requireBetween("--sessions", sessions, 1, 1_000_000);
        if (fullGc && options.serverPid == null) {
            throw new CliException("--full-gc needs --server-pid");
        }
        Target target = options.target();
        int timeout = options.timeoutMillis();
        ServerProbe probe = options.probe();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        Report report = new Report();
        boolean serving = false;
        try (ServerApi api = new ServerApi(target, options.token())) {
            api.requireHealthy();
            report.header("url", target.url()).header("pool", options.product + "/" + options.feature);
            Plan plan = BenchCommand.prepare(api, options, false, true, sessions, report, err);
            Load load = new Load(target, timeout, options.platformThreads);
            Scenario scenario = new Scenario(options.productSegment(), options.featureSegment(), plan);
            report.header("sessions", sessions)
                    .header("users", options.users)
                    .header("connections", options.connections)
                    .header("hold", Target.human(hold))
                    .header("run", scenario.runId)
                    .header("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            plan.notes().forEach(report::note);
            if (probe != null) {
                report.server("rssBeforeMiB", BenchCommand.mib(probe.rssBytes()));
            }

            BenchCommand.progress(err, "creating " + sessions + " live sessions of " + options.users
                    + " users, keeping those created alive meanwhile...");
            // The created sessions are kept alive while the rest are created, on connections of their own (half as
            // many again; a walker with nothing due sends nothing): 1M sessions take longer to create than a lease
            // lasts, and a lapsed session is not one the server holds. Creation waits while the keeper is late.
            int keeperConnections = Math.max(1, options.connections / 2);
            SessionKeeper keeper = scenario.keeper(load, keeperConnections, fixedInterval);
            try {
                report.add(BenchCommand.measure(probe, true, () -> scenario.createSessions(load, options.setupLimit(), keeper)));
            } finally {
                // Its CPU is inside the creation row's (the two ran together).
                report.add(new Report.Row(keeper.stop(), -1, -1, -1, -1, true));
            }
            try {
                long serverAsks = scenario.heartbeatSeconds.get();
                Duration beat = fixedInterval != null ? fixedInterval
                        : Duration.ofSeconds(serverAsks > 0 ? serverAsks : 30);
                report.header("heartbeatEvery", Target.human(beat));
                BenchCommand.progress(err, String.format(Locale.ROOT,
                        "holding %d sessions for %s: every session heartbeats every %s (about %,.0f/s)",
                        sessions, Target.human(hold), Target.human(beat), sessions / (beat.toNanos() / 1e9)));
                Monitor monitor = new Monitor(target, probe, every, timeout, err);
                Thread watcher = Thread.ofVirtual().name("bench-monitor").start(monitor);
                try {
                    // The hold's heartbeats go on from where the keeper left each session: one interval after its last.
                    report.add(BenchCommand.measure(probe, false, () -> {
                        SessionKeeper holder = keeper.successor(Math.min(options.connections, sessions), beat);
                        try {
                            Thread.sleep(hold);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return holder.stop("hold", "paced heartbeats (" + sessions + " live sessions)");
                    }));
                } finally {
                    monitor.stop.set(true);
                    watcher.interrupt();
                    try {
                        watcher.join(Duration.ofMillis(timeout + 1000L));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                boolean healthyAfter = monitor.check(true);
                serving = healthyAfter;
                report.server("healthzChecks", monitor.checks.get());
                report.server("healthzFailures", monitor.failures.get());
                report.server("healthzMaxMs", Math.round(monitor.maxLatencyNanos.get() / 1e5) / 10.0);
                report.server("servingAfterHold", healthyAfter);
                if (!healthyAfter || monitor.failures.get() > 0) {
                    report.note("the server did NOT answer every health check while holding the sessions");
                }
                if (probe != null) {
                    if (fullGc) {
                        report.server("heapRead", probe.fullGc() ? "after a full GC" : "as is (the full GC failed)");
                    }
                    BenchCommand.describeServer(probe, report);
                    if (monitor.peakRss.get() > 0) {
                        report.server("peakRssSampledMiB", BenchCommand.mib(monitor.peakRss.get()));
                    }
                }
                if (hold.compareTo(beat) < 0) {
                    report.note("--duration is shorter than the heartbeat interval: not every session sent a heartbeat while held");
                }
            } finally {
                if (!options.keepSessions) {
                    BenchCommand.progress(err, "ending the " + sessions + " sessions...");
                    report.add(BenchCommand.measure(probe, true, () -> scenario.endSessions(load, options.setupLimit())));
                } else {
                    report.note("--keep-sessions: the " + sessions + " bench sessions stay live until their lease lapses");
                }
            }
        }
        BenchCommand.print(report, options.json, out, err);
        if (!serving) {
            err.println("usher bench: the server stopped answering (or died) while holding the sessions");
        }
        return report.errors() > 0 || report.incomplete() || !serving ? 2 : 0;
    }

    /** Checks health (and memory) every few seconds while the sessions are held. */
    private static final class Monitor implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong checks = new AtomicLong();
        final AtomicLong failures = new AtomicLong();
        final AtomicLong maxLatencyNanos = new AtomicLong();
        final AtomicLong peakRss = new AtomicLong(-1);
        private final HttpConnection http;
        private final ServerProbe probe;
        private final Duration every;
        private final PrintWriter err;
        private final long started = System.nanoTime();

        Monitor(Target target, ServerProbe probe, Duration every, int timeoutMillis, PrintWriter err) {
            this.http = new HttpConnection(target.address(), timeoutMillis);
            this.probe = probe;
            this.every = every;
            this.err = err;
        }

        @Override
        public void run() {
            while (!stop.get()) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                if (!stop.get()) {
                    check(false);
                }
            }
        }

        /** One health check (and memory sample); prints a progress line. */
        synchronized boolean check(boolean last) {
            long t0 = System.nanoTime();
            boolean ok;
            try {
                ok = http.send("GET", "/healthz", null, null) == 200;
            } catch (IOException e) {
                ok = false;
            }
            long t = System.nanoTime() - t0;
            checks.incrementAndGet();
            if (!ok) {
                failures.incrementAndGet();
            }
            maxLatencyNanos.accumulateAndGet(t, Math::max);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s t=%ds healthz %s %.1f ms",
                    last ? "after hold:" : "holding:", (System.nanoTime() - started) / 1_000_000_000L, ok ? "ok" : "FAILED", t / 1e6));
            if (probe != null) {
                boolean alive = probe.alive();
                long rss = probe.rssBytes();
                peakRss.accumulateAndGet(rss, Math::max);
                line.append(String.format(Locale.ROOT, "  server %s rss %d MiB", alive ? "alive" : "GONE", BenchCommand.mib(rss)));
                ok &= alive;
            }
            BenchCommand.progress(err, line.toString());
            if (last) {
                http.close();
            }
            return ok;
        }
    }
}
