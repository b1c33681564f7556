package dev.usher.cli.bench;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;

/** Options {@code usher bench} and {@code usher bench hold} share (a picocli mixin). */
public final class BenchOptions {

    @Option(names = "--url", defaultValue = "http://127.0.0.1:9780",
            description = "The server to load; must be on this machine (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--also-url", paramLabel = "URL",
            description = "Another node of the same cluster (repeatable): connections are spread round-robin over --url and these.")
    java.util.List<String> alsoUrls = new java.util.ArrayList<>();

    @Option(names = "--token", description = "Admin token (env USHER_ADMIN_TOKEN): lets the bench check pool capacity first and add --license.")
    String token;

    @Option(names = "--product", defaultValue = "demo", description = "Product of the pool to use (default ${DEFAULT-VALUE}).")
    String product;

    @Option(names = "--feature", defaultValue = "cal", description = "Feature of the pool to use (default ${DEFAULT-VALUE}).")
    String feature;

    @Option(names = "--connections", defaultValue = "64", description = "Keep-alive connections, one request in flight each (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--users", defaultValue = "20",
            description = "Users the live sessions are spread over; with seat key 'user' they take this many seats (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--license", paramLabel = "FILE", description = "Add this license file first (needs --token), e.g. a bigger bench license.")
    Path license;

    @Option(names = "--server-pid", paramLabel = "PID", description = "The server's process id: report its CPU use, memory (RSS) and heap.")
    Long serverPid;

    @Option(names = "--timeout", defaultValue = "10s", description = "Per-request timeout (default ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--setup-limit", defaultValue = "5m",
            description = "Time limit for creating and for ending the live sessions (default ${DEFAULT-VALUE}).")
    String setupLimit;

    @Option(names = "--keep-sessions", description = "Do not end the live sessions afterwards (they lapse after the lease TTL).")
    boolean keepSessions;

    @Option(names = "--platform-threads", hidden = true, description = "Platform instead of virtual threads (to compare).")
    boolean platformThreads;

    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;

    Environment env = Environment.system();

    String token() {
        return token != null ? token : env.get("USHER_ADMIN_TOKEN");
    }

    Target target() {
        return Target.parse(url);
    }

    /** --url, then every --also-url. */
    java.util.List<Target> targets() {
        java.util.List<Target> all = new java.util.ArrayList<>(java.util.List.of(target()));
        alsoUrls.forEach(u -> all.add(Target.parse(u)));
        return all;
    }

    int timeoutMillis() {
        return (int) Target.requireBetween("--timeout", Target.parseDuration("--timeout", timeout),
                Duration.ofMillis(100), Duration.ofMinutes(2)).toMillis();
    }

    Duration setupLimit() {
        return Target.requireBetween("--setup-limit", Target.parseDuration("--setup-limit", setupLimit),
                Duration.ofSeconds(1), Duration.ofMinutes(30));
    }

    ServerProbe probe() {
        if (serverPid == null) {
            return null;
        }
        if (serverPid <= 0) {
            throw new CliException("--server-pid must be a process id");
        }
        ServerProbe probe = new ServerProbe(serverPid);
        if (!probe.alive()) {
            throw new CliException("--server-pid " + serverPid + ": no such running process");
        }
        return probe;
    }

    String productSegment() {
        return Target.segment("--product", product);
    }

    String featureSegment() {
        return Target.segment("--feature", feature);
    }
}
