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

    @Option(names = "--db", paramLabel = "URL",
            description = "Share a PostgreSQL database with other Usher nodes (high availability): postgresql://HOST:PORT/DB?user=U&password=P"
                    + " (also jdbc:postgresql://...; env USHER_DB_URL). Default: the embedded SQLite file in the data directory.")
    String db;

    @Option(names = "--keep-domains", description = "Treat DOMAIN\\user, user@domain and user as different people (default: the same person).")
    boolean keepDomains;

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
            server = UsherServer.start(config, databaseUrl());
        } catch (IllegalStateException | IllegalArgumentException | dev.usher.store.StoreException e) {
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

    /** The PostgreSQL URL from --db or USHER_DB_URL, or null for the embedded store. */
    String databaseUrl() {
        String url = db != null ? db.strip() : env.get("USHER_DB_URL");
        if (url == null || url.isEmpty()) {
            return null;
        }
        try {
            dev.usher.store.postgresql.PostgresUrl.parse(url);
        } catch (IllegalArgumentException e) {
            throw new CliException((db != null ? "--db: " : "USHER_DB_URL: ") + e.getMessage());
        }
        return url;
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
