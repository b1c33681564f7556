package dev.usher.cli;

import dev.usher.cli.common.CliException;
import dev.usher.cli.common.Environment;
import dev.usher.cli.config.Configuration;
import dev.usher.cli.config.ServerSettings;
import dev.usher.cli.config.Setting;
import dev.usher.server.ServerConfig;
import dev.usher.server.tls.HttpsConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.cli.logging.LogFormat;
import dev.usher.cli.logging.LogLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/** {@code usher serve}: runs the server until it is stopped (Ctrl-C or SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the license server.")
public final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    // Every flag here is a Setting (dev.usher.cli.config): the table gives its variable, file key and
    // default; ServeCommandTest holds the two together. Absent flags stay null so the file and the
    // environment can supply the value.
    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (env USHER_CONFIG; default DATA/usher.properties when it exists). See docs/CONFIGURATION.md.")
    Path configFile;

    @Option(names = "--port", description = "HTTP port (default 9780; env USHER_PORT).")
    Integer port;

    @Option(names = "--host", description = "Interface to listen on (default 0.0.0.0: all; env USHER_HOST).")
    String host;

    @Option(names = "--data", description = "Data directory (default ./data; env USHER_DATA).")
    Path data;

    @Option(names = "--demo", description = "Create a demo vendor key and a license for product 'demo' (25 'cal' seats) and serve in open mode.")
    Boolean demo;

    @Option(names = "--lease-ttl", paramLabel = "SECONDS",
            description = "How long a seat is kept without a heartbeat (default 120; env USHER_LEASE_TTL). Clients heartbeat every TTL/3.")
    Long leaseTtl;

    @Option(names = "--sweep-interval", paramLabel = "SECONDS",
            description = "How often lapsed leases are collected (default 5; env USHER_SWEEP_INTERVAL).")
    Long sweepInterval;

    @Option(names = "--trusted-keys", paramLabel = "DIR", description = "Another directory of trusted vendor public keys (repeatable).")
    List<Path> trustedKeys;

    @Option(names = "--auth-mode", paramLabel = "MODE",
            description = "How clients prove who they are: open (trusted LAN: clients report user and host), session (sign in; the default"
                    + " for a new installation), token (API tokens). Stored: later starts keep it. --demo implies open.")
    String authMode;

    @Option(names = "--db", paramLabel = "URL",
            description = "Share a PostgreSQL database with other Usher nodes (high availability): postgresql://HOST:PORT/DB?user=U&password=P"
                    + " (also jdbc:postgresql://...; env USHER_DB_URL). Default: the embedded SQLite file in the data directory.")
    String db;

    @Option(names = "--keep-domains", description = "Treat DOMAIN\\user, user@domain and user as different people (default: the same person).")
    Boolean keepDomains;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "PEM certificate chain; with --tls-key turns HTTPS on (env USHER_TLS_CERT).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "PEM private key: PKCS#8, PKCS#1 or SEC1 (env USHER_TLS_KEY).")
    Path tlsKey;

    @Option(names = "--https-port", description = "HTTPS port when HTTPS is on (default 9785; env USHER_HTTPS_PORT).")
    Integer httpsPort;

    @Option(names = "--http-redirect", description = "Redirect plain HTTP to HTTPS (else HTTP keeps serving; env USHER_HTTP_REDIRECT).")
    Boolean httpRedirect;

    @Option(names = "--audit", paramLabel = "on|off", description = "Chain admin actions and seat events into the audit trail"
            + " (default on; off only to measure its cost; env USHER_AUDIT).")
    String audit;

    @Option(names = "--keep-minutes", paramLabel = "DAYS", description = "Keep per-minute usage history this many days (default 35).")
    Long keepMinutes;

    @Option(names = "--keep-hours", paramLabel = "DAYS", description = "Keep per-hour usage and per-person days this many days (default 730).")
    Long keepHours;

    @Option(names = "--keep-days", paramLabel = "DAYS|forever", description = "Keep per-day usage this many days (default forever).")
    String keepDays;

    @Option(names = "--log-format", paramLabel = "FORMAT",
            description = "Log lines for people (human, the default) or one JSON object per line (json; env USHER_LOG_FORMAT).")
    String logFormat;

    @Option(names = "--access-log", paramLabel = "WHICH",
            description = "Access-log lines for all requests, only refused or failed ones (errors, the default), or off (env USHER_ACCESS_LOG).")
    String accessLog;

    private final Environment env;
    private Configuration resolved;

    public ServeCommand() {
        this(Environment.system());
    }

    ServeCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = config();
        HttpsConfig https = https();
        MonitoringConfig monitoring = monitoring();
        LogLines.setFormat(logFormat());
        UsherServer server;
        try {
            server = UsherServer.start(config, https, monitoring);
        } catch (IllegalStateException | IllegalArgumentException | dev.usher.store.StoreException e) {
            throw new CliException(e.getMessage());
        }
        server.describe(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM (systemd stop, kill) and Ctrl-C: a graceful stop (see UsherServer.close), then the JVM exits with 143 / 130.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "usher-shutdown"));
        stopped.await();
        return 0;
    }

    /** The PostgreSQL URL from --db, USHER_DB_URL or db.url, or null for the embedded store. */
    String databaseUrl() {
        return configuration().text(Setting.DB_URL);
    }

    LogFormat logFormat() {
        return LogFormat.fromCode(configuration().text(Setting.LOG_FORMAT));
    }

    MonitoringConfig monitoring() {
        Configuration c = configuration();
        try {
            return new MonitoringConfig(c.text(Setting.METRICS_TOKEN), MonitoringConfig.AccessLog.fromCode(c.text(Setting.ACCESS_LOG)));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Every setting resolved: flag over USHER_* variable over configuration file over default. */
    Configuration configuration() {
        if (resolved == null) {
            Map<Setting, String> flags = new EnumMap<>(Setting.class);
            putIfGiven(flags, Setting.DATA, data);
            putIfGiven(flags, Setting.DB_URL, db);
            putIfGiven(flags, Setting.HOST, host);
            putIfGiven(flags, Setting.PORT, port);
            putIfGiven(flags, Setting.LEASE_TTL, leaseTtl);
            putIfGiven(flags, Setting.SWEEP_INTERVAL, sweepInterval);
            if (trustedKeys != null) {
                flags.put(Setting.TRUSTED_KEYS, String.join(",", trustedKeys.stream().map(Path::toString).toList()));
            }
            putIfGiven(flags, Setting.AUTH_MODE, authMode);
            putIfGiven(flags, Setting.KEEP_DOMAINS, keepDomains);
            putIfGiven(flags, Setting.DEMO, demo);
            putIfGiven(flags, Setting.TLS_CERT, tlsCert);
            putIfGiven(flags, Setting.TLS_KEY, tlsKey);
            putIfGiven(flags, Setting.HTTPS_PORT, httpsPort);
            putIfGiven(flags, Setting.HTTP_REDIRECT, httpRedirect);
            putIfGiven(flags, Setting.AUDIT, audit);
            putIfGiven(flags, Setting.KEEP_MINUTES, keepMinutes);
            putIfGiven(flags, Setting.KEEP_HOURS, keepHours);
            putIfGiven(flags, Setting.KEEP_DAYS, keepDays);
            putIfGiven(flags, Setting.LOG_FORMAT, logFormat);
            putIfGiven(flags, Setting.ACCESS_LOG, accessLog);
            Configuration c = Configuration.resolve(flags, configFile, env);
            if (!c.problems().isEmpty()) {
                throw new CliException(c.problems().getFirst());
            }
            resolved = c;
        }
        return resolved;
    }

    private static void putIfGiven(Map<Setting, String> flags, Setting s, Object value) {
        if (value != null) {
            flags.put(s, value.toString());
        }
    }

    ServerConfig config() {
        return ServerSettings.of(configuration());
    }

    /** HTTPS, when tls.cert and tls.key are set (else null). */
    HttpsConfig https() {
        Configuration c = configuration();
        if (c.path(Setting.TLS_CERT) == null) {
            return null;
        }
        return new HttpsConfig(c.path(Setting.TLS_CERT), c.path(Setting.TLS_KEY), c.number(Setting.HTTPS_PORT).intValue(),
                c.flag(Setting.HTTP_REDIRECT));
    }
}
