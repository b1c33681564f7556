package dev.usher.cli;

import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.cli.logging.LogFormat;
import dev.usher.cli.logging.LogLines;
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

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "Log lines for people (human, the default) or one JSON object per line (json); env USHER_LOG_FORMAT.")
    String logFormat;

    @Option(names = "--access-log", paramLabel = "WHICH",
            description = "Access-log lines for all requests, only refused or failed ones (errors, the default), or off; env USHER_ACCESS_LOG.")
    String accessLog;

    @Option(names = "--metrics-token", paramLabel = "TOKEN",
            description = "Require 'Authorization: Bearer TOKEN' on GET /metrics (default: open, as scrape targets usually are);"
                    + " env USHER_METRICS_TOKEN (better: not visible in the process list).")
    String metricsToken;

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
        MonitoringConfig monitoring = monitoring();
        LogLines.setFormat(logFormat());
        UsherServer server;
        try {
            server = UsherServer.start(config, monitoring);
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

    LogFormat logFormat() {
        String v = logFormat != null ? logFormat : env.get("USHER_LOG_FORMAT");
        try {
            return v == null ? LogFormat.HUMAN : LogFormat.fromCode(v);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + (logFormat == null ? " (from USHER_LOG_FORMAT)" : ""));
        }
    }

    MonitoringConfig monitoring() {
        String access = accessLog != null ? accessLog : env.get("USHER_ACCESS_LOG");
        String token = metricsToken != null ? metricsToken : env.get("USHER_METRICS_TOKEN");
        try {
            return new MonitoringConfig(token, access == null ? MonitoringConfig.AccessLog.ERRORS : MonitoringConfig.AccessLog.fromCode(access));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
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
                    .withAdminPassword(env.get("USHER_ADMIN_PASSWORD"));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }
}
