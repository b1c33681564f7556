package dev.usher.server;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.UserNames;
import dev.usher.server.auth.AuthSettings;
import dev.usher.server.auth.ldap.DirectoryLink;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.oidc.OidcSignIn;
import dev.usher.store.SqlUserDirectory;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.SeatViews;
import dev.usher.server.http.RequestAuth;
import dev.usher.server.http.HttpApi;
import dev.usher.server.auth.AdminCredentials;
import dev.usher.server.install.DataDirectory;
import dev.usher.server.install.DemoSetup;
import dev.usher.server.install.InstallationPlace;
import dev.usher.server.license.LicenseService;
import dev.usher.server.license.ClusterKeySharing;
import dev.usher.server.license.KeySharing;
import dev.usher.server.license.TrustedKeyDirectories;
import dev.usher.server.license.TrustedKeyWatcher;
import dev.usher.server.seat.BorrowTokens;
import dev.usher.server.seat.KnownHosts;
import dev.usher.server.seat.LeaseSweeper;
import dev.usher.server.seat.SeatQueue;
import dev.usher.server.seat.PoolCatalog;
import dev.usher.server.seat.SeatService;
import dev.usher.server.seat.SessionEndings;
import dev.usher.store.report.SqlSessionEnds;
import dev.usher.server.http.ReportRoutes;
import dev.usher.server.report.AuditRecorder;
import dev.usher.server.audit.AuditTrail;
import dev.usher.server.report.UsageRecorder;
import dev.usher.server.report.UsageReport;
import dev.usher.store.report.SqlAuditLog;
import dev.usher.store.report.SqlUsageStore;
import dev.usher.store.SqlLicenseRepository;
import dev.usher.store.seat.SeatStore;
import dev.usher.store.people.SqlPeopleHistory;
import dev.usher.core.identity.PeopleHistory;
import dev.usher.server.auth.HostHistory;
import dev.usher.server.auth.StrayPeople;
import dev.usher.store.SqlSettingsRepository;
import dev.usher.store.sqlite.SqliteDatabase;
import dev.usher.server.http.Connectors;
import dev.usher.server.tls.CertificateAndKey;
import dev.usher.server.tls.HttpsConfig;
import dev.usher.server.http.openapi.ApiDescription;
import dev.usher.server.monitoring.HttpMonitoring;
import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.server.monitoring.UsherMetrics;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.usher.store.Database;
import dev.usher.store.postgresql.ClusterStore;
import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.server.cluster.ClusterNode;
import dev.usher.server.cluster.ClusterView;
import dev.usher.server.cluster.LeaseWriter;
import dev.usher.server.cluster.SharedHeartbeats;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(UsherServer.class);

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
    private final TrustedKeyWatcher keyWatcher;
    private final SeatLedger ledger;
    private final SeatViews views;
    private final dev.usher.core.lease.LeaseRecords leaseRecords;
    /** Whether this start gives lapsed leases their grace (not when other nodes kept them honest). */
    private final boolean graceDue;
    private final SeatQueue queue;
    private final SeatService seats;
    private final LeaseSweeper sweeper;
    private final AdminCredentials credentials;
    private final SqlSettingsRepository settings;
    private final SqlUserDirectory userDirectory;
    private final IdentityService identity;
    private final DirectoryLink directoryLink;
    private final String generatedAdminPassword;
    private final Javalin http;
    private final boolean demoLicenseCreated;
    /** The installation this one's database was copied from, or null. */
    private final String copiedFrom;
    private final UsageRecorder usageRecorder;
    private final AuditRecorder auditRecorder;
    private final UsageReport usageReport;
    private final HttpsConfig https;
    private final CertificateAndKey tls;

    private final UsherMetrics metrics;
    private final dev.usher.server.notify.Notifications notifications;

    private UsherServer(ServerConfig config, HttpsConfig https, MonitoringConfig monitoring) {
        this.config = config;
        this.https = https;
        // Read before anything is opened: a wrong certificate path is the commonest start-up mistake.
        this.tls = https == null ? null : CertificateAndKey.read(https.certificate(), https.privateKey());
        // Checked before anything is written: a refused start leaves no database, token or user behind.
        AdminCredentials.requireAcceptable(config.adminToken(), config.adminPassword());
        this.dataDir = DataDirectory.open(config.dataDir());
        try {
            // Node-local files (lock, server.json, key files) stay in the data directory either way; with
            // PostgreSQL, the installation id, credentials, people and licenses are in the shared database.
            this.db = config.databaseUrl() == null ? SqliteDatabase.open(dataDir.database()) : PostgresDatabase.open(config.databaseUrl());
            this.cluster = db instanceof PostgresDatabase pg
                    ? new ClusterNode(new ClusterStore(pg), hostName(), VERSION, config.clock(), this::reloadSharedState) : null;
            this.settings = new SqlSettingsRepository(db);
            boolean newInstallation = settings.get(INSTALLATION_ID_KEY).isEmpty();
            // Embedded: bound to this machine and directory, so a copy of the database elsewhere is another installation.
            InstallationPlace.Identity place = config.databaseUrl() == null ? InstallationPlace.settle(settings, dataDir.root())
                    : new InstallationPlace.Identity(settings.putIfAbsent(INSTALLATION_ID_KEY, UUID.randomUUID().toString()), Optional.empty());
            String installationId = place.installationId();
            if (newInstallation) {
                // On from the start for new installations; one upgraded from before the rule keeps serving as it did
                // until an administrator turns it on (an absent setting is off).
                settings.putIfAbsent(IdentityService.REFUSE_MACHINE_NAMES_KEY, "true");
            }
            this.copiedFrom = place.copiedFrom().orElse(null);
            this.credentials = AdminCredentials.bootstrap(settings, config.adminToken());
            UserNames names = new UserNames(config.stripDomain());
            this.userDirectory = new SqlUserDirectory(db);
            AuditTrail audit = AuditTrail.to(userDirectory, config.clock());
            this.directoryLink = new DirectoryLink(settings, userDirectory, names, config.clock());
            this.identity = new IdentityService(userDirectory, settings, credentials, names, config.clock(), directoryLink::directory);
            OidcSignIn oidc = new OidcSignIn(settings, identity);
            if (config.oidc() != null) { // the configuration file's provider wins at start, as --auth-mode does
                oidc.configure(config.oidc(), "usher serve");
            }
            // --auth-mode (or --demo, which means open) is the administrator's choice for this start on.
            AuthMode requested = config.authMode() != null ? config.authMode() : config.demo() ? AuthMode.OPEN : null;
            if (requested != null && requested != identity.authSettings().mode()) {
                AuthSettings s = identity.authSettings();
                identity.saveAuthSettings(new AuthSettings(requested, s.autoCreateUsers(), s.refuseMachineNames(), s.sessionLifetime(),
                        s.sessionIdle()), "usher serve");
            }
            this.generatedAdminPassword = identity.ensureAdministrator(config.adminPassword()).orElse(null);

            List<Path> keyDirs = new ArrayList<>();
            keyDirs.add(dataDir.trustedKeys());
            keyDirs.addAll(config.trustedKeyDirs());
            Path sharedKeys = null;
            KeySharing sharing = KeySharing.NONE;
            if (cluster != null) {
                // Every node must accept the same licenses: key files on any node's disk are shared through the database
                // before every reload (a key added or removed here reaches the others with the configuration version).
                sharedKeys = dataDir.root().resolve("cluster-keys");
                sharing = new ClusterKeySharing(new dev.usher.store.SqlSharedTrustedKeys(db), List.copyOf(keyDirs), sharedKeys);
                keyDirs.add(sharedKeys);
            }
            this.licenses = new LicenseService(new SqlLicenseRepository(db), new TrustedKeyDirectories(keyDirs, sharedKeys),
                    installationId, config.clock(), audit, sharing);
            this.keyWatcher = new TrustedKeyWatcher(licenses);
            this.catalog = new PoolCatalog(licenses, settings);

            this.leases = new LeaseTable();
            this.queue = new SeatQueue();
            SeatStore seatStore = SeatStore.open(db, catalog, leases, queue::seatFreed, config.clock());
            this.ledger = seatStore;
            this.views = seatStore.views();
            userDirectory.seatsFollow(seatStore);
            this.leaseRecords = seatStore.leases();
            // Sessions survive a restart; a lease that lapsed while we were down gets one TTL of grace once we
            // answer again (start()). With several nodes, only when the whole cluster was down: other live
            // nodes kept the leases honest.
            this.graceDue = cluster == null || !cluster.othersAlive();
            if (graceDue) {
                for (LeaseTable.Lease l : leaseRecords.storedLeases()) {
                    leases.put(l.sessionId(), l.expiresAt(), l.lastHeartbeat());
                }
            }
            this.leaseWriter = cluster == null ? null : new LeaseWriter(seatStore.leases(), 2);
            BorrowTokens borrowTokens = BorrowTokens.load(settings, installationId);
            PeopleHistory peopleHistory = new SqlPeopleHistory(db);
            KnownHosts knownHosts = new KnownHosts(peopleHistory, config.clock());
            this.seats = cluster == null
                    ? new SeatService(ledger, views, catalog, leases, names, config.leaseTtl(), config.clock(), queue, borrowTokens, audit,
                            knownHosts)
                    : new SeatService(ledger, views, catalog, leases, names, config.leaseTtl(), config.clock(), queue, borrowTokens, audit,
                            knownHosts, new SharedHeartbeats(leases, seatStore.leases(), leaseWriter));
            // Why sessions ended, for their heartbeats; what another node (or an earlier start) ended is read back.
            seats.recordEndingsIn(new SessionEndings(new SqlSessionEnds(db)::lastEnd));
            this.demoLicenseCreated = config.demo() && DemoSetup.ensure(dataDir, licenses, installationId, config.clock().instant());

            var nanoTime = dev.usher.core.time.MonotonicClock.of(config.clock());
            this.sweeper = cluster == null ? new LeaseSweeper(ledger, seatStore.leases(), leases, config.clock(), nanoTime, config.leaseTtl())
                    : new LeaseSweeper(ledger, seatStore.leases(), leases, config.clock(), nanoTime, config.leaseTtl(), cluster);
            this.clusterView = cluster != null ? cluster
                    : ClusterView.single(hostName(), VERSION, config.clock().instant(), this::localUrl);
            this.usageRecorder = new UsageRecorder(new SqlUsageStore(db), catalog, config.clock(), config.reports());
            usageRecorder.begin();
            this.auditRecorder = new AuditRecorder(new SqlAuditLog(db), config.reports().audit());
            this.usageReport = new UsageReport(usageRecorder, config.clock());
            this.notifications = new dev.usher.server.notify.Notifications(settings, new dev.usher.store.notify.SqlNotificationLog(db),
                    new dev.usher.server.notify.Notifications.Sources(licenses, catalog, usageRecorder.store(), auditRecorder.log(),
                            new dev.usher.server.auth.Doctor(userDirectory, names, seats, config.clock()), clusterView),
                    audit, config.clock(), installationId, hostName(), dev.usher.core.notify.RetrySchedule.DEFAULT);
            notifications.applyAtStart(config.notifications());
            this.metrics = new UsherMetrics(seats, licenses, leases, config.clock());
            seats.countWith(metrics);
            sweeper.countWith(metrics);
            db.trackReadPool(new MicrometerMetricsTrackerFactory(metrics.registry()));
            HttpMonitoring httpMonitoring = new HttpMonitoring(metrics, monitoring, ApiDescription.load(VERSION));
            RequestAuth requestAuth = new RequestAuth(identity);
            ReportRoutes reportRoutes = new ReportRoutes(usageReport, auditRecorder, audit, requestAuth, config.clock());
            this.http = HttpApi.create(new HttpApi.Parts(seats, views, licenses, requestAuth, identity, directoryLink, oidc, db, VERSION,
                    config.heartbeatInterval().toSeconds(), config.maxRequestBytes(), clusterView, usageReport, auditRecorder,
                    new dev.usher.server.http.StorageWatch(dataDir.root(), config.clock()),
                    new HostHistory(peopleHistory, names, config.clock()), new StrayPeople(peopleHistory, userDirectory, config.clock()), notifications),
                    reportRoutes::register, javalin -> {
                        Connectors.configure(javalin, config.host(), config.port(), https, tls);
                        httpMonitoring.installer().accept(javalin);
                    });
        } catch (RuntimeException e) {
            forgetUnprintedCredentials(e);
            closeQuietly();
            throw e;
        }
    }

    /** A failed start printed nothing: forget its token (the next start prints a new one); null fields: not made yet. */
    private void forgetUnprintedCredentials(RuntimeException failure) {
        try {
            if (credentials != null && settings != null) {
                credentials.forgetGenerated(settings);
            }
        } catch (RuntimeException undo) {
            failure.addSuppressed(undo);
        }
    }

    /** Opens the data directory, migrates the store, and starts serving. */
    public static UsherServer start(ServerConfig config) {
        return start(config, null, MonitoringConfig.defaults());
    }

    /** As {@link #start(ServerConfig)}, serving HTTPS too when {@code https} is not null. */
    public static UsherServer start(ServerConfig config, HttpsConfig https) {
        return start(config, https, MonitoringConfig.defaults());
    }

    /** Starts with monitoring settings (metrics token, access log) other than the defaults. */
    public static UsherServer start(ServerConfig config, MonitoringConfig monitoring) {
        return start(config, null, monitoring);
    }

    /** Serving HTTPS too when {@code https} is not null, with the given monitoring settings. */
    public static UsherServer start(ServerConfig config, HttpsConfig https, MonitoringConfig monitoring) {
        UsherServer server = new UsherServer(config, https, monitoring);
        try {
            server.startServing(config);
            server.identity.administratorPasswordShown();
        } catch (RuntimeException e) {
            server.forgetUnprintedCredentials(e);
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * The restart's grace, counted from now, as the server is about to answer: a start-up that took long
     * (a big database, a slow disk) does not eat into it.
     */
    private void graceLapsedLeases() {
        if (graceDue) {
            for (LeaseTable.Lease l : leaseRecords.graceLapsed(config.clock().instant(), config.leaseTtl())) {
                leases.put(l.sessionId(), l.expiresAt(), l.lastHeartbeat());
            }
        }
    }

    private void startServing(ServerConfig config) {
        graceLapsedLeases();
        http.start(config.host(), config.port());
        if (cluster != null) {
            cluster.start(localUrl());
        }
        sweeper.start(config.sweepInterval(), config.leaseFlushInterval());
        keyWatcher.start();
        directoryLink.start();
        usageRecorder.start();
        auditRecorder.start(config.reports().interval());
        notifications.start(config.notifications().interval());
        // Admin commands on this machine find the server here. With HTTPS they use it (plain HTTP may only
        // redirect) and trust exactly the certificate it serves: its DER, base64, so no file has to be readable.
        String httpsInfo = https == null ? "" : ",\"httpsUrl\":\"" + localHttpsUrl() + "\",\"certificate\":\""
                + tls.certificateBase64() + "\"";
        DataDirectory.writePrivateFile(dataDir.serverInfo(),
                "{\"url\":\"" + localUrl() + "\",\"pid\":" + ProcessHandle.current().pid()
                        + ",\"token\":\"" + credentials.localToken() + "\"" + httpsInfo + "}\n");
    }

    /** Another node changed what this one caches: licenses and keys, pool settings and rules, people and tokens. */
    private void reloadSharedState() {
        licenses.reload(); // shares this node's key files first
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
        if (https != null) {
            out.accept("HTTPS on " + httpsUrl() + " (certificate " + tls.certificate().getSubjectX500Principal().getName()
                    + ", valid until " + tls.notAfter() + ")" + (https.redirectHttp() ? "; plain HTTP redirects to it" : ""));
        }
        out.accept("installation id: " + licenses.installationId());
        if (copiedFrom != null) {
            out.accept("note: this database was copied from installation " + copiedFrom + " (another directory or machine): here it is a"
                    + " new installation, and server licenses bound to " + copiedFrom + " do not count");
        }
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
            // A newcomer's next step is the console: say where, and with what (the password is printed only at the first start).
            out.accept("open " + publicUrl() + " in a browser and sign in as " + IdentityService.ADMIN_USER + " with "
                    + (generatedAdminPassword != null ? "the password " + generatedAdminPassword
                    : config.adminPassword() != null ? "the password in USHER_ADMIN_PASSWORD"
                    : "the password printed at the first start (forgotten? usher admin reset-password)"));
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

    /** Requests being handled right now; {@link #close()} lets them finish. */
    public long requestsInFlight() {
        return Connectors.requestsInFlight(http);
    }

    /** The HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return https == null ? -1 : Connectors.httpsPort(http);
    }

    /** An HTTPS URL this machine can reach the server on (HTTPS must be on). */
    public String httpsUrl() {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "localhost" : config.host();
        return "https://" + host + ":" + httpsPort();
    }

    /** An HTTPS URL this machine can reach the server on, by address (HTTPS must be on). */
    public String localHttpsUrl() {
        String host = config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
        return "https://" + host + ":" + httpsPort();
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

    /** Seats, sessions and history as the API and console read them. */
    public SeatViews views() {
        return views;
    }

    public LicenseService licenses() {
        return licenses;
    }

    /** Watches the trusted-keys directories (tests call {@code tick()} instead of waiting a second). */
    public TrustedKeyWatcher keyWatcher() {
        return keyWatcher;
    }

    public LeaseSweeper sweeper() {
        return sweeper;
    }

    /** The usage history recorder (tests move the clock and call {@code tick()}). */
    public UsageRecorder usageRecorder() {
        return usageRecorder;
    }

    /** The audit trail recorder (tests call {@code tick()}; the API turns it on and off). */
    public AuditRecorder auditRecorder() {
        return auditRecorder;
    }

    /** Usage reports: what the API and the console's Reports page read. */
    public UsageReport usageReport() {
        return usageReport;
    }

    /** E-mail and webhook notifications (tests move the clock and call {@code notifier().tick()}). */
    public dev.usher.server.notify.Notifications notifications() {
        return notifications;
    }

    /** The Prometheus registry behind {@code GET /metrics}. */
    public UsherMetrics metrics() {
        return metrics;
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

    /**
     * Stops gracefully: no new connections, requests in flight get up to
     * {@link Connectors#GRACEFUL_STOP} to finish, heartbeat-extended leases are written, the store
     * is closed and the data directory unlocked. Logs how long it took.
     */
    @Override
    public void close() {
        long started = System.nanoTime();
        closeQuietly();
        LOG.info("Usher stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private void closeQuietly() {
        // Reverse order of creation: stop taking requests, persist leases, close the store, unlock.
        if (queue != null) {
            queue.close(); // waiting requests answer at once rather than hold the HTTP server's stop
        }
        if (http != null) {
            http.stop();
        }
        if (sweeper != null) {
            sweeper.close();
        }
        if (keyWatcher != null) {
            keyWatcher.close();
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
        if (usageRecorder != null) {
            usageRecorder.close();
        }
        if (auditRecorder != null) {
            auditRecorder.close();
        }
        if (notifications != null) {
            notifications.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (db != null) {
            db.close();
        }
        dataDir.close();
    }
}
