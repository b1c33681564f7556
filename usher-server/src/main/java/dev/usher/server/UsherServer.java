package dev.usher.server;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.UserNames;
import dev.usher.server.auth.AuthSettings;
import dev.usher.server.auth.DirectoryLink;
import dev.usher.server.auth.IdentityService;
import dev.usher.store.SqlUserDirectory;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.SeatLedger;
import dev.usher.server.http.RequestAuth;
import dev.usher.server.http.HttpApi;
import dev.usher.server.install.AdminCredentials;
import dev.usher.server.install.DataDirectory;
import dev.usher.server.install.DemoSetup;
import dev.usher.server.license.LicenseService;
import dev.usher.server.seat.LeaseSweeper;
import dev.usher.server.seat.PoolCatalog;
import dev.usher.server.seat.SeatService;
import dev.usher.store.SqlLicenseRepository;
import dev.usher.store.SqlSeatLedger;
import dev.usher.store.SqlSettingsRepository;
import dev.usher.store.sqlite.SqliteDatabase;
import dev.usher.store.Database;
import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.server.cluster.ClusterNode;
import dev.usher.server.cluster.ClusterView;
import dev.usher.server.cluster.LeaseWriter;
import dev.usher.server.cluster.SharedHeartbeats;
import dev.usher.server.cluster.SharedTrustedKeys;
import io.javalin.Javalin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The composition root: every part of a running server is created and wired here, in the order
 * they depend on each other, and closed in reverse.
 */
public final class UsherServer implements AutoCloseable {

    public static final String VERSION = Optional.ofNullable(UsherServer.class.getPackage().getImplementationVersion()).orElse("dev");
    static final String INSTALLATION_ID_KEY = "installation.id";

    private final ServerConfig config;
    private final DataDirectory dataDir;
    private final Database db;
    /** Set when several nodes share a PostgreSQL database; null on the embedded store. */
    private final ClusterNode cluster;
    private final LeaseWriter leaseWriter;
    private final ClusterView clusterView;
    private final PoolCatalog catalog;
    private final LeaseTable leases;
    private final LicenseService licenses;
    private final SeatLedger ledger;
    private final SeatService seats;
    private final LeaseSweeper sweeper;
    private final AdminCredentials credentials;
    private final SqlUserDirectory userDirectory;
    private final IdentityService identity;
    private final DirectoryLink directoryLink;
    private final String generatedAdminPassword;
    private final Javalin http;
    private final boolean demoLicenseCreated;

    private UsherServer(ServerConfig config, String databaseUrl) {
        this.config = config;
        this.dataDir = DataDirectory.open(config.dataDir());
        try {
            // Node-local files (lock, server.json, key files) stay in the data directory either way; with
            // PostgreSQL, the installation id, credentials, people and licenses are in the shared database.
            this.db = databaseUrl == null ? SqliteDatabase.open(dataDir.database()) : PostgresDatabase.open(databaseUrl);
            this.cluster = db instanceof PostgresDatabase pg
                    ? new ClusterNode(pg, hostName(), VERSION, config.clock(), this::reloadSharedState) : null;
            var settings = new SqlSettingsRepository(db);
            String installationId = settings.putIfAbsent(INSTALLATION_ID_KEY, UUID.randomUUID().toString());
            this.credentials = AdminCredentials.bootstrap(settings, config.adminToken());
            UserNames names = new UserNames(config.stripDomain());
            this.userDirectory = new SqlUserDirectory(db);
            this.directoryLink = new DirectoryLink(settings, userDirectory, names, config.clock());
            this.identity = new IdentityService(userDirectory, settings, credentials, names, config.clock(), directoryLink::directory);
            // --auth-mode (or --demo, which means open) is the administrator's choice for this start on.
            AuthMode requested = config.authMode() != null ? config.authMode() : config.demo() ? AuthMode.OPEN : null;
            if (requested != null && requested != identity.authSettings().mode()) {
                AuthSettings s = identity.authSettings();
                identity.saveAuthSettings(new AuthSettings(requested, s.autoCreateUsers(), s.sessionLifetime(), s.sessionIdle()), "usher serve");
            }
            this.generatedAdminPassword = identity.ensureAdministrator(config.adminPassword()).orElse(null);

            List<Path> keyDirs = new ArrayList<>();
            keyDirs.add(dataDir.trustedKeys());
            keyDirs.addAll(config.trustedKeyDirs());
            if (cluster != null) {
                // Every node must accept the same licenses: key files on any node's disk are shared through the database.
                keyDirs.add(SharedTrustedKeys.share(cluster.store(), keyDirs, dataDir.root().resolve("cluster-keys"), config.clock()));
            }
            this.licenses = new LicenseService(new SqlLicenseRepository(db), keyDirs, installationId, config.clock());
            this.catalog = new PoolCatalog(licenses, settings);

            this.leases = new LeaseTable();
            this.ledger = new SqlSeatLedger(db, catalog, leases);
            // Sessions survive a restart; a lease that lapsed while we were down gets one TTL of grace. With
            // several nodes, only when the whole cluster was down: other live nodes kept the leases honest.
            if (cluster == null || !cluster.othersAlive()) {
                for (LeaseTable.Lease l : ledger.loadLeasesWithGrace(config.clock().instant(), config.leaseTtl())) {
                    leases.put(l.sessionId(), l.expiresAt(), l.lastHeartbeat());
                }
            }
            this.leaseWriter = cluster == null ? null : new LeaseWriter(ledger, 2);
            this.seats = cluster == null ? new SeatService(ledger, catalog, leases, names, config.leaseTtl(), config.clock())
                    : new SeatService(ledger, catalog, leases, names, config.leaseTtl(), config.clock(),
                            new SharedHeartbeats(leases, ledger, leaseWriter));
            this.demoLicenseCreated = config.demo() && DemoSetup.ensure(dataDir, licenses, installationId, config.clock().instant());

            this.sweeper = cluster == null ? new LeaseSweeper(ledger, leases, config.clock())
                    : new LeaseSweeper(ledger, leases, config.clock(), cluster::leadsSweeps);
            this.clusterView = cluster != null ? cluster
                    : ClusterView.single(hostName(), VERSION, config.clock().instant(), this::localUrl);
            this.http = HttpApi.create(new HttpApi.Parts(seats, ledger, licenses, new RequestAuth(identity), identity, directoryLink, db, VERSION,
                    config.heartbeatInterval().toSeconds(), config.maxRequestBytes(), clusterView));
        } catch (RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    /** Opens the data directory, migrates the store, and starts serving. */
    public static UsherServer start(ServerConfig config) {
        return start(config, null);
    }

    /**
     * Starts on the embedded SQLite store ({@code databaseUrl} null) or as one node of several on the
     * PostgreSQL database {@code databaseUrl} ({@code postgresql://host:port/db?user=..&password=..}).
     */
    public static UsherServer start(ServerConfig config, String databaseUrl) {
        UsherServer server = new UsherServer(config, databaseUrl);
        try {
            server.http.start(config.host(), config.port());
            if (server.cluster != null) {
                server.cluster.start(server.localUrl());
            }
            server.sweeper.start(config.sweepInterval(), config.leaseFlushInterval());
            server.directoryLink.start();
            DataDirectory.writePrivateFile(server.dataDir.serverInfo(),
                    "{\"url\":\"" + server.localUrl() + "\",\"pid\":" + ProcessHandle.current().pid()
                            + ",\"token\":\"" + server.credentials.localToken() + "\"}\n");
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Another node changed what this one caches: licenses and keys, pool settings and rules, people and tokens. */
    private void reloadSharedState() {
        List<Path> keyDirs = new ArrayList<>(List.of(dataDir.trustedKeys()));
        keyDirs.addAll(config.trustedKeyDirs());
        SharedTrustedKeys.share(cluster.store(), keyDirs, dataDir.root().resolve("cluster-keys"), config.clock());
        licenses.reload();
        catalog.reload();
        identity.reload();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "localhost";
        }
    }

    /** This node and the others sharing its database. */
    public ClusterView cluster() {
        return clusterView;
    }

    /** Prints what an administrator needs after start: where, how to authenticate, a first curl. */
    public void describe(Consumer<String> out) {
        out.accept("Usher " + VERSION + " serving on " + publicUrl() + " (data: " + config.dataDir().toAbsolutePath() + ")");
        out.accept("installation id: " + licenses.installationId());
        if (db instanceof PostgresDatabase pg) {
            out.accept("store: " + pg.url() + " (shared; this node is " + cluster.id() + ")");
        }
        out.accept("authentication mode: " + identity.authSettings().mode().code()
                + (identity.authSettings().mode() == AuthMode.OPEN ? " (clients report user and host; trusted LAN)" : ""));
        if (generatedAdminPassword != null) {
            out.accept("admin user: " + IdentityService.ADMIN_USER + ", password (shown once, store it now): " + generatedAdminPassword);
        }
        credentials.generatedToken().ifPresent(t -> {
            out.accept("admin token (shown once, store it now): " + t);
            out.accept("  e.g. curl -H 'Authorization: Bearer " + t + "' " + publicUrl() + "/api/v1/pools");
        });
        if (config.demo()) {
            out.accept(demoLicenseCreated ? "demo: created a license for product 'demo' with 25 'cal' seats"
                    : "demo: product 'demo' is licensed (reusing the existing demo license)");
            out.accept("take a seat:");
            out.accept("  curl -X PUT " + publicUrl() + "/api/v1/sessions/my-laptop-1/checkouts/demo/cal \\");
            out.accept("       -H 'Content-Type: application/json' -d '{\"user\":\"alice\",\"host\":\"laptop\",\"client\":\"curl\"}'");
        }
    }

    /** Every registered HTTP route as "METHOD path" (for the API description and its tests). */
    public List<String> routes() {
        return http.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(pe -> List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(pe.endpoint.method.name()))
                .map(pe -> pe.endpoint.method.name() + " " + pe.endpoint.path).sorted().toList();
    }

    public int port() {
        return http.port();
    }

    /** A URL this machine can reach the server on. */
    public String localUrl() {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        return "http://" + host + ":" + port();
    }

    private String publicUrl() {
        return config.host().equals("0.0.0.0") ? "http://localhost:" + port() : localUrl();
    }

    public ServerConfig config() {
        return config;
    }

    public SeatService seats() {
        return seats;
    }

    public SeatLedger ledger() {
        return ledger;
    }

    public LicenseService licenses() {
        return licenses;
    }

    public LeaseSweeper sweeper() {
        return sweeper;
    }

    public LeaseTable leases() {
        return leases;
    }

    public String installationId() {
        return licenses.installationId();
    }

    /** The token generated at first start, if this start generated one. */
    public Optional<String> generatedAdminToken() {
        return credentials.generatedToken();
    }

    public IdentityService identity() {
        return identity;
    }

    /** The first administrator's password generated at this start, if it generated one. */
    public Optional<String> generatedAdminPassword() {
        return Optional.ofNullable(generatedAdminPassword);
    }

    public String localAdminToken() {
        return credentials.localToken();
    }

    @Override
    public void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        // Reverse order of creation: stop taking requests, persist leases, close the store, unlock.
        if (http != null) {
            http.stop();
        }
        if (sweeper != null) {
            sweeper.close();
        }
        if (leaseWriter != null) {
            leaseWriter.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (directoryLink != null) {
            directoryLink.close();
        }
        if (db != null) {
            db.close();
        }
        dataDir.close();
    }
}
