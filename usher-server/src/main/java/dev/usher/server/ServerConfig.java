package dev.usher.server;

import dev.usher.core.identity.AuthMode;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server is started with. Built by the CLI from flags and environment, by tests directly.
 *
 * @param host              interface to listen on ({@code 0.0.0.0}: every interface, as a LAN server should)
 * @param port              0 picks a free port (tests)
 * @param leaseTtl          how long a session's lease lasts without a heartbeat
 * @param sweepInterval     how often lapsed leases and ended lingers are collected
 * @param leaseFlushInterval how often heartbeat-extended leases are written to the store
 * @param adminToken        the bootstrap admin token to set at first start (from USHER_ADMIN_TOKEN), or null
 * @param trustedKeyDirs    vendor key directories trusted in addition to {@code DATA/trusted-keys}
 * @param authMode          when set, the authentication mode to switch to at start (else the stored setting)
 * @param adminPassword     the first administrator's password (from USHER_ADMIN_PASSWORD), or null to generate one
 * @param reports           usage history retention and audit trail recording
 * @param databaseUrl       null: the embedded SQLite store in the data directory; else this server is one node of
 *                          several on that PostgreSQL database ({@code postgresql://host:port/db?user=..&password=..})
 * @param oidc              when set (the configuration file's {@code oidc.*}), the identity provider to store at start
 *                          (else the stored settings, changed in the console or the API)
 * @param notifications     notification settings given at start (replace the stored ones) and how often the notifier looks
 */
public record ServerConfig(Path dataDir, String host, int port, boolean demo, Duration leaseTtl, Duration sweepInterval,
                           Duration leaseFlushInterval, Clock clock, String adminToken, List<Path> trustedKeyDirs,
                           boolean stripDomain, long maxRequestBytes, AuthMode authMode, String adminPassword,
                           dev.usher.server.report.ReportSettings reports, String databaseUrl,
                           dev.usher.server.auth.oidc.OidcSettings oidc,
                           dev.usher.server.notify.NotificationOverrides notifications) {

    public static final int DEFAULT_PORT = 9780;
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(120);
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(3);
    public static final Duration MAX_LEASE_TTL = Duration.ofDays(1);

    public ServerConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(clock, "clock");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535 (got " + port + ")");
        }
        if (leaseTtl.compareTo(MIN_LEASE_TTL) < 0 || leaseTtl.compareTo(MAX_LEASE_TTL) > 0) {
            throw new IllegalArgumentException("lease TTL must be between " + MIN_LEASE_TTL.toSeconds() + " and "
                    + MAX_LEASE_TTL.toSeconds() + " seconds (got " + leaseTtl.toSeconds() + ")");
        }
        trustedKeyDirs = List.copyOf(trustedKeyDirs);
        reports = reports == null ? dev.usher.server.report.ReportSettings.DEFAULT : reports;
        notifications = notifications == null ? dev.usher.server.notify.NotificationOverrides.NONE : notifications;
    }

    /** Defaults for {@code dataDir}: port 9780, TTL 120 s, sweep every 5 s, flush every second. */
    public static ServerConfig defaults(Path dataDir) {
        return new ServerConfig(dataDir, "0.0.0.0", DEFAULT_PORT, false, DEFAULT_LEASE_TTL, Duration.ofSeconds(5),
                Duration.ofSeconds(1), Clock.systemUTC(), null, List.of(), true, 1024 * 1024, null, null, null, null, null, null);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(dataDir, host, p, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withDatabaseUrl(String url) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, url, oidc, notifications);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(dataDir, h, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withDemo(boolean d) {
        return new ServerConfig(dataDir, host, port, d, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withLeaseTtl(Duration ttl) {
        return new ServerConfig(dataDir, host, port, demo, ttl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withSweepInterval(Duration s) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, s, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withClock(Clock c) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, c, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withAdminToken(String t) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, t, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withTrustedKeyDirs(List<Path> dirs) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, dirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withStripDomain(boolean s) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, s, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withAuthMode(AuthMode m) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, m, adminPassword, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withAdminPassword(String p) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, p, reports, databaseUrl, oidc, notifications);
    }

    public ServerConfig withReports(dev.usher.server.report.ReportSettings r) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, r, databaseUrl, oidc, notifications);
    }

    public ServerConfig withOidc(dev.usher.server.auth.oidc.OidcSettings o) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, o, notifications);
    }

    public ServerConfig withNotifications(dev.usher.server.notify.NotificationOverrides n) {
        return new ServerConfig(dataDir, host, port, demo, leaseTtl, sweepInterval, leaseFlushInterval, clock, adminToken, trustedKeyDirs, stripDomain, maxRequestBytes, authMode, adminPassword, reports, databaseUrl, oidc, n);
    }

    /** Heartbeat interval told to clients: a third of the TTL, so two lost heartbeats still keep the seat. */
    public Duration heartbeatInterval() {
        return leaseTtl.dividedBy(3);
    }
}
