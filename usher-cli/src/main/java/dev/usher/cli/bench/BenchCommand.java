package dev.usher.cli.bench;

import dev.usher.cli.common.CliException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * {@code usher bench}: loads a running Usher server on this machine and reports, in one run, the
 * bare baseline ({@code GET /healthz}), checkout+checkin cycles/s and heartbeats/s with N live
 * sessions, with p50/p99 latency and each rate as a ratio of the baseline.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure a running Usher server on this machine: bare baseline (GET /healthz), checkout+checkin"
                + " cycles/s and heartbeats/s with N live sessions; p50/p99 latency; each rate as a ratio of the baseline.",
                "Start the server first, e.g.: ./usher serve --demo --data /tmp/bench --port 9790",
                "Exits 2 when any request failed (non-2xx or transport error): such a run is not a measurement."},
        subcommands = HoldCommand.class)
public final class BenchCommand implements Callable<Integer> {

    /** The phases of a run, in order. */
    enum Phase { BASELINE, CYCLES, HEARTBEATS }

    @Spec
    CommandSpec spec;

    @Mixin
    BenchOptions options;

    @Option(names = "--sessions", defaultValue = "10000", description = "Live sessions during the heartbeat phase (default ${DEFAULT-VALUE}).")
    int sessions;

    @Option(names = "--duration", defaultValue = "10s", description = "Measured time of each phase (default ${DEFAULT-VALUE}).")
    String duration;

    @Option(names = "--warmup", defaultValue = "3s", description = "Unmeasured warm-up before each phase (default ${DEFAULT-VALUE}).")
    String warmup;

    @Option(names = "--phases", defaultValue = "baseline,cycles,heartbeats", split = ",",
            description = "Phases to run (default ${DEFAULT-VALUE}).")
    Set<String> phases;

    @Option(names = "--cycles-among-sessions",
            description = "Create the --sessions live sessions first and run the cycles while they are live (how a checkout's"
                    + " cost grows with the work held); by default the cycles run before the sessions are created.")
    boolean cyclesAmongSessions;

    @Option(names = "--audit-compare", paramLabel = "ROUNDS", defaultValue = "0",
            description = "Run the cycles and heartbeats phases ROUNDS times each with the audit trail on and off (alternating,"
                    + " through PUT /api/v1/audit/recording; needs --token) and report the medians and their ratio (default 0: no).")
    int auditRounds;

    @Override
    public Integer call() {
        Settings s = settings();
        if (auditRounds > 0 && options.token() == null) {
            throw new CliException("--audit-compare turns audit recording on and off: pass --token (or set USHER_ADMIN_TOKEN)");
        }
        Target.requireBetween("--audit-compare", auditRounds, 0, 10);
        if (auditRounds > 0 && cyclesAmongSessions) {
            throw new CliException("--cycles-among-sessions and --audit-compare cannot be combined: run them separately");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Target target = options.target();
        ServerProbe probe = options.probe();
        Report report;
        try (ServerApi api = new ServerApi(target, options.token())) {
            api.requireHealthy();
            report = new Report();
            report.header("url", options.targets().stream().map(t -> t.url().toString()).collect(java.util.stream.Collectors.joining(" ")))
                    .header("pool", options.product + "/" + options.feature);
            Plan plan = prepare(api, options, s.phases.contains(Phase.CYCLES),
                    s.phases.contains(Phase.HEARTBEATS) || cyclesAmongSessions, sessions, report, err);
            Load load = new Load(options.targets(), options.timeoutMillis(), options.platformThreads);
            Scenario scenario = new Scenario(options.productSegment(), options.featureSegment(), plan);
            report.header("connections", options.connections)
                    .header("warmup", Target.human(s.warmup))
                    .header("duration", Target.human(s.duration))
                    .header("run", scenario.runId)
                    .header("started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
            if (s.phases.contains(Phase.HEARTBEATS)) {
                report.header("sessions", sessions).header("users", options.users);
            }
            plan.notes().forEach(report::note);
            if (auditRounds > 0) {
                try {
                    runAuditComparison(s, scenario, load, probe, report, err, api);
                } finally {
                    api.auditRecording(true);
                }
            } else {
                run(s, scenario, load, probe, report, err);
            }
            if (probe != null) {
                describeServer(probe, report);
            }
        }
        print(report, options.json, out, err);
        return report.errors() > 0 || report.incomplete() ? 2 : 0;
    }

    private void run(Settings s, Scenario scenario, Load load, ServerProbe probe, Report report, PrintWriter err) {
        if (s.phases.contains(Phase.BASELINE)) {
            progress(err, "baseline: GET /healthz at " + options.connections + " connections, " + phaseTime(s));
            report.add(measure(probe, false, () -> scenario.baseline(load, s.warmup, s.duration)));
        }
        boolean createFirst = cyclesAmongSessions;
        boolean needSessions = createFirst || s.phases.contains(Phase.HEARTBEATS);
        if (s.phases.contains(Phase.CYCLES) && !createFirst) {
            cycles(s, scenario, load, probe, report, err);
        }
        if (!needSessions) {
            return;
        }
        progress(err, "creating " + sessions + " live sessions of " + options.users + " users...");
        report.add(measure(probe, true, () -> scenario.createSessions(load, options.setupLimit())));
        try {
            if (s.phases.contains(Phase.CYCLES) && createFirst) {
                cycles(s, scenario, load, probe, report, err);
            }
            if (s.phases.contains(Phase.HEARTBEATS)) {
                progress(err, "heartbeats: " + sessions + " live sessions, " + phaseTime(s));
                report.add(measure(probe, false, () -> scenario.heartbeats(load, s.warmup, s.duration)));
            }
        } finally {
            if (!options.keepSessions) {
                progress(err, "ending the " + sessions + " sessions...");
                report.add(measure(probe, true, () -> scenario.endSessions(load, options.setupLimit())));
            } else {
                report.note("--keep-sessions: the " + sessions + " bench sessions stay live until their lease lapses");
            }
        }
    }

    private void cycles(Settings s, Scenario scenario, Load load, ServerProbe probe, Report report, PrintWriter err) {
        progress(err, "cycles: checkout+checkin with fresh session ids" + (cyclesAmongSessions ? ", among " + sessions
                + " live sessions, " : ", ") + phaseTime(s));
        report.add(measure(probe, false, () -> scenario.cycles(load, s.warmup, s.duration)));
    }

    /**
     * Each timed phase repeated with the audit trail on and off, alternating which goes first from
     * round to round (so a drift of the machine does not favour one), then medians and on/off ratios.
     */
    private void runAuditComparison(Settings s, Scenario scenario, Load load, ServerProbe probe, Report report, PrintWriter err,
                                    ServerApi api) {
        java.util.Map<String, java.util.List<Double>> rates = new java.util.TreeMap<>();
        if (s.phases.contains(Phase.CYCLES)) {
            compare("cycles", "checkout+checkin", s, probe, report, err, api, rates, () -> scenario.cycles(load, s.warmup, s.duration));
        }
        if (s.phases.contains(Phase.HEARTBEATS)) {
            progress(err, "creating " + sessions + " live sessions of " + options.users + " users...");
            report.add(measure(probe, true, () -> scenario.createSessions(load, options.setupLimit())));
            try {
                compare("heartbeats", "heartbeats", s, probe, report, err, api, rates, () -> scenario.heartbeats(load, s.warmup, s.duration));
            } finally {
                if (!options.keepSessions) {
                    progress(err, "ending the " + sessions + " sessions...");
                    report.add(measure(probe, true, () -> scenario.endSessions(load, options.setupLimit())));
                }
            }
        }
        for (String phase : new String[] {"cycles", "heartbeats"}) {
            if (rates.containsKey(phase + " on")) {
                double on = median(rates.get(phase + " on"));
                double off = median(rates.get(phase + " off"));
                report.note(String.format(Locale.ROOT, "audit %s: median %.0f/s with audit on, %.0f/s off (%d rounds): on/off = %.3f",
                        phase, on, off, rates.get(phase + " on").size(), off > 0 ? on / off : 0));
            }
        }
    }

    private void compare(String key, String title, Settings s, ServerProbe probe, Report report, PrintWriter err, ServerApi api,
                         java.util.Map<String, java.util.List<Double>> rates, Supplier<PhaseResult> phase) {
        for (int round = 0; round < auditRounds; round++) {
            for (boolean on : round % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
                api.auditRecording(on);
                String state = on ? "on" : "off";
                progress(err, key + " with audit " + state + " (round " + (round + 1) + " of " + auditRounds + "), " + phaseTime(s));
                Report.Row row = measure(probe, false, phase);
                PhaseResult named = row.result().named(key + "-audit-" + state + "-" + (round + 1), title + ", audit " + state);
                report.add(new Report.Row(named, row.serverCores(), row.benchCores(), row.otherCores(), row.machineCores(), row.setup()));
                rates.computeIfAbsent(key + " " + state, k -> new java.util.ArrayList<>()).add(named.rate());
            }
        }
    }

    static double median(java.util.List<Double> values) {
        java.util.List<Double> v = values.stream().sorted().toList();
        int n = v.size();
        return n == 0 ? 0 : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private String phaseTime(Settings s) {
        return Target.human(s.warmup) + " warm-up + " + Target.human(s.duration);
    }

    record Settings(Duration warmup, Duration duration, EnumSet<Phase> phases) {}

    /** Checks the arguments that need no server. */
    Settings settings() {
        Duration d = Target.requireBetween("--duration", Target.parseDuration("--duration", duration),
                Duration.ofSeconds(1), Duration.ofMinutes(10));
        Duration w = Target.requireBetween("--warmup", Target.parseDuration("--warmup", warmup),
                Duration.ZERO, Duration.ofMinutes(5));
        EnumSet<Phase> chosen = EnumSet.noneOf(Phase.class);
        for (String p : phases) {
            try {
                chosen.add(Phase.valueOf(p.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new CliException("--phases: unknown phase '" + p.strip() + "' (choose from baseline, cycles, heartbeats)");
            }
        }
        if (chosen.isEmpty()) {
            throw new CliException("--phases: choose at least one of baseline, cycles, heartbeats");
        }
        Target.requireBetween("--connections", options.connections, 1, 1024);
        Target.requireBetween("--sessions", sessions, 1, 1_000_000);
        Target.requireBetween("--users", options.users, 1, 1_000_000);
        options.target();
        options.timeoutMillis();
        options.productSegment();
        options.featureSegment();
        if (options.license != null && options.token() == null) {
            throw new CliException("--license needs the admin token: pass --token (or set USHER_ADMIN_TOKEN)");
        }
        return new Settings(w, d, chosen);
    }

    /** Adds the license if asked, reads the pool (with a token) and fits the sessions into it. */
    static Plan prepare(ServerApi api, BenchOptions options, boolean cycles, boolean sessionsNeeded, int sessions,
                        Report report, PrintWriter err) {
        if (options.license != null) {
            String added = api.addLicense(options.license);
            progress(err, added);
            report.note(added);
        }
        Optional<ServerApi.Pool> pool = Optional.empty();
        if (options.token() != null) {
            pool = api.pool(options.product, options.feature);
            if (pool.isEmpty()) {
                throw new CliException("the server has no pool " + options.product + "/" + options.feature
                        + ": choose --product/--feature, or add a license for it with --license FILE");
            }
            ServerApi.Pool p = pool.get();
            report.header("capacity", p.capacity()).header("inUse", p.inUse()).header("seatKey", p.policy());
        }
        return Plan.of(options.connections, sessions, options.users, pool, cycles, sessionsNeeded);
    }

    /**
     * Runs a phase and measures the CPU the server (when known), the bench and everything else on
     * the machine used during it, in cores.
     */
    static Report.Row measure(ServerProbe probe, boolean setup, Supplier<PhaseResult> phase) {
        long s0 = probe == null ? -1 : probe.cpuNanos();
        long b0 = ServerProbe.benchCpuNanos();
        long m0 = ServerProbe.machineCpuNanos();
        long t0 = System.nanoTime();
        PhaseResult r = phase.get();
        long wall = Math.max(1, System.nanoTime() - t0);
        long s1 = probe == null ? -1 : probe.cpuNanos();
        long b1 = ServerProbe.benchCpuNanos();
        long m1 = ServerProbe.machineCpuNanos();
        double server = s0 < 0 || s1 < 0 ? -1 : (double) (s1 - s0) / wall;
        double bench = b0 < 0 || b1 < 0 ? -1 : (double) (b1 - b0) / wall;
        double machine = m0 < 0 || m1 < 0 ? -1 : (double) (m1 - m0) / wall;
        double other = machine < 0 || bench < 0 || server < 0 ? -1 : Math.max(0, machine - server - bench);
        return new Report.Row(r, server, bench, other, machine, setup);
    }

    static void describeServer(ServerProbe probe, Report report) {
        report.server("pid", probe.pid());
        report.server("alive", probe.alive());
        report.server("rssMiB", mib(probe.rssBytes()));
        report.server("peakRssMiB", mib(probe.peakRssBytes()));
        probe.heap().ifPresent(h -> {
            report.server("heapUsedMiB", mib(h.usedBytes()));
            report.server("heapCommittedMiB", mib(h.committedBytes()));
            if (h.maxBytes() > 0) {
                report.server("heapMaxMiB", mib(h.maxBytes()));
            }
        });
    }

    static Long mib(long bytes) {
        return bytes < 0 ? null : Math.round(bytes / 1048576.0);
    }

    static void print(Report report, boolean json, PrintWriter out, PrintWriter err) {
        if (report.errors() > 0 || report.incomplete()) {
            if (report.errors() > 0) {
                err.printf(Locale.ROOT, "usher bench: %,d REQUESTS FAILED: the run is not a valid measurement (details below)%n",
                        report.errors());
            }
            if (report.incomplete()) {
                err.println("usher bench: a phase did not finish within its time limit");
            }
            err.flush();
        }
        if (json) {
            out.println(report.json().toPrettyString());
        } else {
            out.print(report.table());
        }
        out.flush();
    }

    static void progress(PrintWriter err, String message) {
        err.println("usher bench: " + message);
        err.flush();
    }
}
