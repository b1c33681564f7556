package dev.usher.server;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.UserNames;
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
import dev.usher.server.license.TrustedKeyDirectories;
import dev.usher.server.license.TrustedKeyWatcher;
import dev.usher.server.seat.BorrowTokens;
import dev.usher.server.seat.KnownHosts;
import dev.usher.server.seat.LeaseRestore;
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

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The composition root: every part of a running server is created and wired here, in the order
 * they depend on each other, and closed in reverse.
 */
public final class UsherServer implements AutoCloseable {

    public static final String VERSION = Optional.ofNullable(UsherServer.class.getPackage().getImplementationVersion()).orElse("dev");
    private static final Logger LOG = LoggerFactory.getLogger(UsherServer.class);

    private final ServerConfig config;
    private final DataDirectory dataDir;
    private final Database db;
    /** Set when several nodes share a PostgreSQL database; null on the embedded store. */
    private final ClusterNode cluster;
    private final LeaseWriter leaseWriter;
    private final ClusterView clusterView;
    private final PoolCatalog catalog;
    private final LicenseService licenses;
    private final TrustedKeyWatcher keyWatcher;
    private final SeatViews views;
    private final SeatStore seatStore;
    private final LeaseRestore leaseRestore;
    private final SeatQueue queue;
    private final SeatService seats;
    private final LeaseSweeper sweeper;
    private final AdminCredentials credentials;
    private final SqlSettingsRepository settings;
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
                    ? new ClusterNode(new ClusterStore(pg), ClusterView.thisHost(), VERSION, config.clock(), this::reloadSharedState) : null;
            this.settings = new SqlSettingsRepository(db);
            boolean newInstallation = InstallationPlace.isNew(settings);
            // Embedded: bound to this machine and directory, so a copy of the database elsewhere is another installation.
            InstallationPlace.Identity place = config.databaseUrl() == null ? InstallationPlace.settle(settings, dataDir.root())
                    : InstallationPlace.shared(settings);
            String installationId = place.installationId();
            if (newInstallation) {
                // On from the start for new installations; one upgraded from before the rule keeps serving as it did
                // until an administrator turns it on (an absent setting is off).
                settings.putIfAbsent(IdentityService.REFUSE_MACHINE_NAMES_KEY, "true");
            }
            this.copiedFrom = place.copiedFrom().orElse(null);
            this.credentials = AdminCredentials.bootstrap(settings, config.adminToken());
            UserNames names = new UserNames(config.stripDomain());
            SqlUserDirectory userDirectory = new SqlUserDirectory(db);
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
                identity.saveAuthSettings(identity.authSettings().withMode(requested), "usher serve");
            }
            this.generatedAdminPassword = identity.ensureAdministrator(config.adminPassword()).orElse(null);

            // Every node must accept the same licenses: key files on any node's disk are shared through the database
            // before every reload (a key added or removed here reaches the others with the configuration version).
            var keys = TrustedKeyDirectories.ofNode(dataDir.trustedKeys(), config.trustedKeyDirs(),
                    cluster == null ? null : new dev.usher.store.SqlSharedTrustedKeys(db), dataDir.root().resolve("cluster-keys"));
            this.licenses = new LicenseService(new SqlLicenseRepository(db), keys.directories(), installationId, config.clock(), audit,
                    keys.sharing());
            this.keyWatcher = new TrustedKeyWatcher(licenses);
            this.catalog = new PoolCatalog(licenses, settings);

            LeaseTable leases = new LeaseTable();
            this.queue = new SeatQueue();
            this.seatStore = SeatStore.open(db, catalog, leases, queue::seatFreed, config.clock());
            SeatLedger ledger = seatStore;
            this.views = seatStore.views();
            userDirectory.seatsFollow(seatStore);
            this.leaseRestore = LeaseRestore.begin(seatStore.leases(), leases, cluster == null || !cluster.othersAlive());
            this.leaseWriter = cluster == null ? null : new LeaseWriter(seatStore.leases(), 2);
            BorrowTokens borrowTokens = BorrowTokens.load(settings, installationId);
            PeopleHistory peopleHistory = new SqlPeopleHistory(db);
            KnownHosts knownHosts = new KnownHosts(peopleHistory, config.clock());
            this.seats = new SeatService(ledger, views, catalog, leases, names, config.leaseTtl(), config.clock(), queue, borrowTokens,
                    audit, knownHosts, cluster == null ? leases::heartbeat : new SharedHeartbeats(leases, seatStore.leases(), leaseWriter));
            // Why sessions ended, for their heartbeats; what another node (or an earlier start) ended is read back.
            seats.recordEndingsIn(new SessionEndings(new SqlSessionEnds(db)::lastEnd));
            this.demoLicenseCreated = config.demo() && DemoSetup.ensure(dataDir, licenses, installationId, config.clock().instant());

            var nanoTime = dev.usher.core.time.MonotonicClock.of(config.clock());
            this.sweeper = new LeaseSweeper(ledger, seatStore.leases(), leases, config.clock(), nanoTime, config.leaseTtl(), cluster);
            seats.followClockStepsWith(sweeper); // a heartbeat that would be refused first looks for a clock step
            this.clusterView = cluster != null ? cluster
                    : ClusterView.single(ClusterView.thisHost(), VERSION, config.clock().instant(), this::localUrl);
            this.usageRecorder = new UsageRecorder(new SqlUsageStore(db), catalog, config.clock(), config.reports());
            usageRecorder.begin();
            this.auditRecorder = new AuditRecorder(new SqlAuditLog(db), config.reports().audit());
            this.usageReport = new UsageReport(usageRecorder, config.clock());
            this.notifications = new dev.usher.server.notify.Notifications(settings, new dev.usher.store.notify.SqlNotificationLog(db),
                    new dev.usher.server.notify.Notifications.Sources(licenses, catalog, usageRecorder.store(), auditRecorder.log(),
                            new dev.usher.server.auth.Doctor(userDirectory, names, seats, config.clock()), clusterView),
                    audit, config.clock(), installationId, ClusterView.thisHost(), dev.usher.core.notify.RetrySchedule.DEFAULT);
            notifications.applyAtStart(config.notifications());
            this.metrics = new UsherMetrics(seats, licenses, leases, config.clock());
            seats.countWith(metrics);
            sweeper.countWith(metrics);
            db.trackReadPool(new MicrometerMetricsTrackerFactory(metrics.registry()));
            HttpMonitoring httpMonitoring = new HttpMonitoring(metrics, monitoring, () -> ApiDescription.load(VERSION));
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

    private void startServing(ServerConfig config) {
        leaseRestore.graceLapsed(config.clock().instant(), config.leaseTtl());
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
        dataDir.writeServerInfo(localUrl(), credentials.localToken(), https == null ? null : address().localHttps(),
                https == null ? null : tls.certificateBase64());
    }

    /** Another node changed what this one caches: licenses and keys, pool settings and rules, people and tokens. */
    private void reloadSharedState() {
        licenses.reload(); // shares this node's key files first
        catalog.reload();
        identity.reload();
    }

    /** This node and the others sharing its database. */
    public ClusterView cluster() {
        return clusterView;
    }

    /** Prints what an administrator needs after start: where, how to authenticate, a first curl. */
    public void describe(Consumer<String> out) {
        new StartBanner(VERSION, address(), config.dataDir(), https == null ? null : new StartBanner.Https(tls, https.redirectHttp()),
                licenses.installationId(), Optional.ofNullable(copiedFrom),
                db instanceof PostgresDatabase pg ? Optional.of("store: " + pg.url() + " (shared; this node is " + cluster.id() + ")")
                        : Optional.empty(),
                identity.authSettings().mode(), generatedAdminPassword(), credentials.generatedToken(),
                config.demo() ? new StartBanner.Demo(demoLicenseCreated, config.adminPassword() != null) : null).print(out);
    }

    /** Every registered HTTP route as "METHOD path" (for the API description and its tests). */
    public List<String> routes() {
        return HttpApi.routes(http);
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

    /** A URL this machine can reach the server on. */
    public String localUrl() {
        return address().local();
    }

    private ServerAddress address() {
        return new ServerAddress(config.host(), port(), httpsPort());
    }

    public ServerConfig config() {
        return config;
    }

    public SeatService seats() {
        return seats;
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
        // Reverse order of creation, but the queue first: waiting requests answer at once rather than hold the
        // HTTP server's stop. Leases are written (sweeper, lease writer) before the store closes.
        StopInOrder.stop(queue, http == null ? null : http::stop, sweeper, keyWatcher, leaseWriter, cluster, directoryLink,
                usageRecorder, auditRecorder, notifications, metrics, seatStore, db, dataDir);
    }
}
