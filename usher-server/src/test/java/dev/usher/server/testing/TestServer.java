package dev.usher.server.testing;

import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import dev.usher.server.UsherServer;
import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.store.testing.TestDatabases;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;

/**
 * A real Usher server for tests: its own data directory, a random loopback port, a clock the test
 * moves, a known admin token, and a trusted test vendor. Restart it to test what survives.
 *
 * <p>On SQLite by default; with {@code -Dusher.test.db=postgresql} (or {@code USHER_TEST_DB=postgresql})
 * on a fresh database of an embedded PostgreSQL, the same for every restart. {@link #join} starts
 * another node on the same database.
 */
public final class TestServer implements AutoCloseable {

    public static final String ADMIN_TOKEN = "test-admin-token-0123456789abcdef";
    public static final String ADMIN_PASSWORD = "test-admin-password-42";

    private final Path dataDir;
    private final MutableClock clock;
    private final TestVendor vendor;
    private final UnaryOperator<ServerConfig> customize;
    private final MonitoringConfig monitoring;
    private final String databaseUrl;
    private UsherServer server;

    private TestServer(Path dataDir, MutableClock clock, UnaryOperator<ServerConfig> customize, String databaseUrl) {
        this(dataDir, clock, customize, databaseUrl, MonitoringConfig.defaults(), TestVendor.of(dataDir));
    }

    private TestServer(Path dataDir, MutableClock clock, UnaryOperator<ServerConfig> customize, String databaseUrl,
                       MonitoringConfig monitoring) {
        this(dataDir, clock, customize, databaseUrl, monitoring, TestVendor.of(dataDir));
    }

    private TestServer(Path dataDir, MutableClock clock, UnaryOperator<ServerConfig> customize, String databaseUrl,
                       MonitoringConfig monitoring, TestVendor vendor) {
        this.vendor = vendor;
        this.dataDir = dataDir;
        this.clock = clock;
        this.customize = customize;
        this.databaseUrl = databaseUrl;
        this.monitoring = monitoring;
        start();
        if (!server.config().demo()) {
            // --demo trusts its own key for product demo; a test key for every product would claim demo too.
            vendor.trustIn(dataDir);
        }
    }

    public static TestServer start(Path dataDir) {
        return start(dataDir, c -> c);
    }

    public static TestServer start(Path dataDir, UnaryOperator<ServerConfig> customize) {
        return new TestServer(dataDir, MutableClock.at("2026-06-01T12:00:00Z"), customize, TestDatabases.urlFor(dataDir));
    }

    /** Always on PostgreSQL (a fresh embedded database), whatever the run's default store. */
    public static TestServer startOnPostgres(Path dataDir, UnaryOperator<ServerConfig> customize) {
        return new TestServer(dataDir, MutableClock.at("2026-06-01T12:00:00Z"), customize, TestDatabases.newDatabase());
    }

    /** On a fresh PostgreSQL database with {@code clock} (e.g. {@link MutableClock#realTime()}, compared with the database's). */
    public static TestServer startOnPostgres(Path dataDir, MutableClock clock, UnaryOperator<ServerConfig> customize) {
        return new TestServer(dataDir, clock, customize, TestDatabases.newDatabase());
    }

    /** Another node on this server's PostgreSQL database, with its own data directory and the same clock. */
    public TestServer join(Path otherDataDir) {
        return join(otherDataDir, c -> c);
    }

    /** As {@link #join(Path)}, configured as this one and then by {@code also} (e.g. its own fixed port). */
    public TestServer join(Path otherDataDir, UnaryOperator<ServerConfig> also) {
        if (databaseUrl == null) {
            throw new IllegalStateException("only a server on PostgreSQL has other nodes");
        }
        // The same vendor: the nodes share their trusted keys, and two test keys would both claim every product.
        return new TestServer(otherDataDir, clock, c -> also.apply(customize.apply(c)), databaseUrl, monitoring, vendor);
    }

    /** The PostgreSQL URL, or null on SQLite. */
    public String databaseUrl() {
        return databaseUrl;
    }

    /** With monitoring settings (metrics token, access log) other than the defaults. */
    public static TestServer start(Path dataDir, MonitoringConfig monitoring) {
        return new TestServer(dataDir, MutableClock.at("2026-06-01T12:00:00Z"), c -> c, TestDatabases.urlFor(dataDir), monitoring);
    }

    private void start() {
        ServerConfig config = ServerConfig.defaults(dataDir)
                .withHost("127.0.0.1").withPort(0).withClock(clock).withAdminToken(ADMIN_TOKEN)
                // Most tests speak for clients on a trusted LAN; identity tests switch modes themselves.
                .withAuthMode(AuthMode.OPEN).withAdminPassword(ADMIN_PASSWORD)
                // Timers are slow on purpose: tests call sweep(), flush() and the notifier's tick() themselves after moving the clock.
                .withSweepInterval(Duration.ofHours(1))
                .withNotifications(dev.usher.server.notify.NotificationOverrides.NONE.withInterval(Duration.ofHours(1)));
        server = UsherServer.start(customize.apply(config).withDatabaseUrl(databaseUrl), null, monitoring);
    }

    /** Stops cleanly and starts again on the same data directory (and clock). */
    public void restart() {
        stop();
        start();
    }

    /** Stops cleanly: no server answers on its port until {@link #resume()} (an outage, as clients see it). */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts again after {@link #stop()} on the same data directory, clock and configuration (so the same port, if fixed). */
    public void resume() {
        if (server == null) {
            start();
        }
    }

    /** Stops cleanly, lets the clock run for {@code down} while nothing serves, and starts again. */
    public void restart(Duration down) {
        server.close();
        clock.advance(down);
        start();
    }

    public UsherServer server() {
        return server;
    }

    public MutableClock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public TestVendor vendor() {
        return vendor;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String installationId() {
        return server.installationId();
    }

    /** An admin client. */
    public Http admin() {
        return new Http(server.localUrl(), ADMIN_TOKEN);
    }

    /** A client without credentials (what end-user applications are in open mode). */
    public Http client() {
        return new Http(server.localUrl(), null);
    }

    /** Installs a license with a server entitlement for {@code product} and {@code seats} of {@code feature}, valid for a year. */
    public String license(String product, String feature, int seats) {
        String text = vendor.serverAndSeats(installationId(), product, feature, seats, now().minus(Duration.ofDays(1)),
                now().plus(Duration.ofDays(365)));
        Http.Response r = admin().post("/api/v1/licenses", text);
        if (r.status() != 201) {
            throw new IllegalStateException("license not added: " + r.status() + " " + r.text());
        }
        return r.json().get("id").asString();
    }

    @Override
    public void close() {
        stop();
    }
}
