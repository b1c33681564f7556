package dev.usher.cli;

import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** {@code usher serve}: runs the server until it is stopped (Ctrl-C or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the license server.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--port", description = "HTTP port (default 9780; env USHER_PORT).")
    Integer port;

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Interface to listen on (default: all).")
    String host;

    @Option(names = "--data", description = "Data directory (default ./data; env USHER_DATA).")
    Path data;

    @Option(names = "--demo", description = "Create a demo vendor key and a license for product 'demo' (25 'cal' seats) and serve in open mode.")
    boolean demo;

    @Option(names = "--lease-ttl", paramLabel = "SECONDS",
            description = "How long a seat is kept without a heartbeat (default 120; env USHER_LEASE_TTL). Clients heartbeat every TTL/3.")
    Long leaseTtl;

    @Option(names = "--sweep-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "How often lapsed leases are collected (default 5).")
    long sweepInterval;

    @Option(names = "--trusted-keys", paramLabel = "DIR", description = "Another directory of trusted vendor public keys (repeatable).")
    List<Path> trustedKeys = new ArrayList<>();

    @Option(names = "--auth-mode", paramLabel = "MODE",
            description = "How clients prove who they are: open (trusted LAN: clients report user and host), session (sign in; the default"
                    + " for a new installation), token (API tokens). Stored: later starts keep it. --demo implies open.")
    String authMode;

    @Option(names = "--keep-domains", description = "Treat DOMAIN\\user, user@domain and user as different people (default: the same person).")
    boolean keepDomains;

    @Option(names = "--audit", paramLabel = "on|off", defaultValue = "on",
            description = "Chain admin actions and seat events into the audit trail (default on; off only to measure its cost:"
                    + " events are kept and chained when it is on again, also at runtime with PUT /api/v1/audit/recording).")
    String audit;

    @Option(names = "--keep-minutes", paramLabel = "DAYS", defaultValue = "35", description = "Keep per-minute usage history this many days (default 35).")
    long keepMinutes;

    @Option(names = "--keep-hours", paramLabel = "DAYS", defaultValue = "730", description = "Keep per-hour usage and per-person days this many days (default 730).")
    long keepHours;

    @Option(names = "--keep-days", paramLabel = "DAYS|forever", defaultValue = "forever", description = "Keep per-day usage this many days (default forever).")
    String keepDays;

    private final Environment env;

    public ServeCommand() {
        this(Environment.system());
    }

    ServeCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = config();
        UsherServer server;
        try {
            server = UsherServer.start(config);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        server.describe(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "usher-shutdown"));
        stopped.await();
        return 0;
    }

    private dev.usher.server.report.ReportSettings reports() {
        if (!audit.equals("on") && !audit.equals("off")) {
            throw new CliException("--audit must be on or off (got '" + audit + "')");
        }
        java.time.Duration days;
        if (keepDays.equals("forever")) {
            days = null;
        } else {
            try {
                days = Duration.ofDays(Long.parseLong(keepDays));
            } catch (NumberFormatException e) {
                throw new CliException("--keep-days must be a number of days or 'forever' (got '" + keepDays + "')");
            }
        }
        return dev.usher.server.report.ReportSettings.DEFAULT.withAudit(audit.equals("on"))
                .withRetention(Duration.ofDays(keepMinutes), Duration.ofDays(keepHours), days);
    }

    ServerConfig config() {
        Long ttl = leaseTtl;
        if (ttl == null && env.get("USHER_LEASE_TTL") != null) {
            try {
                ttl = Long.parseLong(env.get("USHER_LEASE_TTL"));
            } catch (NumberFormatException e) {
                throw new CliException("USHER_LEASE_TTL must be a number of seconds");
            }
        }
        try {
            return ServerConfig.defaults(env.dataDir(data))
                    .withPort(env.port(port, ServerConfig.DEFAULT_PORT))
                    .withHost(host)
                    .withDemo(demo)
                    .withLeaseTtl(ttl == null ? ServerConfig.DEFAULT_LEASE_TTL : Duration.ofSeconds(ttl))
                    .withSweepInterval(Duration.ofSeconds(Math.max(1, sweepInterval)))
                    .withAdminToken(env.get("USHER_ADMIN_TOKEN"))
                    .withTrustedKeyDirs(trustedKeys)
                    .withStripDomain(!keepDomains)
                    .withAuthMode(authMode == null ? null : AuthMode.fromCode(authMode))
                    .withAdminPassword(env.get("USHER_ADMIN_PASSWORD"))
                    .withReports(reports());
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }
}
