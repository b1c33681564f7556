package dev.usher.cli.config;

import dev.usher.cli.common.CliException;
import dev.usher.core.identity.AuthMode;
import dev.usher.server.ServerConfig;
import dev.usher.server.notify.NotificationOverrides;
import dev.usher.server.report.ReportSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A resolved configuration as the server's settings: for {@code usher serve}, and for the server an admin command
 * starts for itself on a stopped installation. One mapping, so both run the installation the same way.
 */
public final class ServerSettings {

    private ServerSettings() {
    }

    /** The server settings of a resolved configuration. */
    public static ServerConfig of(Configuration c) {
        try {
            return ServerConfig.defaults(c.path(Setting.DATA))
                    .withPort(c.number(Setting.PORT).intValue())
                    .withHost(c.text(Setting.HOST))
                    .withDemo(c.flag(Setting.DEMO))
                    .withLeaseTtl(Duration.ofSeconds(c.number(Setting.LEASE_TTL)))
                    .withSweepInterval(Duration.ofSeconds(c.number(Setting.SWEEP_INTERVAL)))
                    .withAdminToken(c.text(Setting.ADMIN_TOKEN))
                    .withTrustedKeyDirs(c.paths(Setting.TRUSTED_KEYS))
                    .withStripDomain(!c.flag(Setting.KEEP_DOMAINS))
                    .withAuthMode(c.text(Setting.AUTH_MODE) == null ? null : AuthMode.fromCode(c.text(Setting.AUTH_MODE)))
                    .withAdminPassword(c.text(Setting.ADMIN_PASSWORD))
                    .withReports(reports(c))
                    .withDatabaseUrl(c.text(Setting.DB_URL))
                    .withOidc(c.oidc())
                    .withNotifications(notifications(c));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /**
     * The notify.* settings given in the file, the environment or a flag: each replaces the stored value at
     * start. A default is not given (the console's choice stands), so only explicit values are passed on.
     */
    public static NotificationOverrides notifications(Configuration c) {
        String ca = null;
        Path caFile = (Path) given(c, Setting.NOTIFY_SMTP_CA);
        if (caFile != null) {
            try {
                ca = Files.readString(caFile);
            } catch (IOException | UncheckedIOException e) {
                throw new CliException(c.value(Setting.NOTIFY_SMTP_CA).origin() + ": cannot read " + caFile + " (" + e.getMessage() + ")");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> to = (List<String>) given(c, Setting.NOTIFY_EMAIL_TO);
        @SuppressWarnings("unchecked")
        List<String> events = (List<String>) given(c, Setting.NOTIFY_EVENTS);
        @SuppressWarnings("unchecked")
        List<Long> days = (List<Long>) given(c, Setting.NOTIFY_EXPIRY_DAYS);
        return new NotificationOverrides((String) given(c, Setting.NOTIFY_SMTP_HOST), integer(given(c, Setting.NOTIFY_SMTP_PORT)),
                (String) given(c, Setting.NOTIFY_SMTP_SECURITY), (String) given(c, Setting.NOTIFY_SMTP_USER),
                (String) given(c, Setting.NOTIFY_SMTP_PASSWORD), ca, (String) given(c, Setting.NOTIFY_EMAIL_FROM), to,
                (String) given(c, Setting.NOTIFY_WEBHOOK_URL), (String) given(c, Setting.NOTIFY_WEBHOOK_SECRET), events,
                days == null ? null : days.stream().map(Long::intValue).toList(), integer(given(c, Setting.NOTIFY_BUSY_PERCENT)),
                integer(given(c, Setting.NOTIFY_BUSY_MINUTES)), integer(given(c, Setting.NOTIFY_QUIET_MINUTES)), null);
    }

    private static Object given(Configuration c, Setting s) {
        Configuration.Value v = c.value(s);
        return v.source() == Configuration.Source.DEFAULT ? null : v.value();
    }

    private static Integer integer(Object v) {
        return v == null ? null : ((Long) v).intValue();
    }

    private static ReportSettings reports(Configuration c) {
        Duration days = c.value(Setting.KEEP_DAYS).value() instanceof Long n ? Duration.ofDays(n) : null; // else forever
        return ReportSettings.DEFAULT.withAudit(!"off".equals(c.text(Setting.AUDIT)))
                .withRetention(Duration.ofDays(c.number(Setting.KEEP_MINUTES)), Duration.ofDays(c.number(Setting.KEEP_HOURS)), days);
    }
}
