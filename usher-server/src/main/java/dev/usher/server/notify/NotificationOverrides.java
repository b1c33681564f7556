package dev.usher.server.notify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Notification settings given to {@code usher serve} (configuration file or environment: the
 * {@code notify.*} keys). Each one given replaces the stored value at start; the ones left out keep what
 * the console or the API stored. {@code interval} is how often the notifier looks (10 s).
 *
 * @param smtpCertificate PEM text of a certificate to trust for the SMTP server (the CLI reads the file)
 * @param webhookUrl      with {@code webhookSecret}: the one webhook (replaces the stored list)
 */
public record NotificationOverrides(String smtpHost, Integer smtpPort, String smtpSecurity, String smtpUser, String smtpPassword,
                                    String smtpCertificate, String emailFrom, List<String> emailTo, String webhookUrl,
                                    String webhookSecret, List<String> events, List<Integer> expiryDays, Integer busyPercent,
                                    Integer busyMinutes, Integer quietMinutes, Duration interval) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final NotificationOverrides NONE = new NotificationOverrides(null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, DEFAULT_INTERVAL);

    public NotificationOverrides {
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the notification interval must be positive");
        }
    }

    public NotificationOverrides withInterval(Duration d) {
        return new NotificationOverrides(smtpHost, smtpPort, smtpSecurity, smtpUser, smtpPassword, smtpCertificate, emailFrom, emailTo,
                webhookUrl, webhookSecret, events, expiryDays, busyPercent, busyMinutes, quietMinutes, d);
    }

    /** True when any setting is given. */
    public boolean any() {
        for (Object o : new Object[] {smtpHost, smtpPort, smtpSecurity, smtpUser, smtpPassword, smtpCertificate, emailFrom, emailTo,
                webhookUrl, webhookSecret, events, expiryDays, busyPercent, busyMinutes, quietMinutes}) {
            if (o != null) {
                return true;
            }
        }
        return false;
    }

    /** The stored settings with every given value put in. */
    public NotificationSettings applyTo(NotificationSettings stored) {
        NotificationSettings.Email e = stored.email();
        boolean emailGiven = smtpHost != null || smtpPort != null || smtpSecurity != null || smtpUser != null || smtpPassword != null
                || smtpCertificate != null || emailFrom != null || emailTo != null;
        if (emailGiven) {
            e = new NotificationSettings.Email(pick(smtpHost, e == null ? null : e.host()), pick(smtpPort, e == null ? null : e.port()),
                    pick(smtpSecurity, e == null ? null : e.security()), pick(smtpUser, e == null ? null : e.username()),
                    pick(smtpPassword, e == null ? null : e.password()), pick(emailFrom, e == null ? null : e.from()),
                    pick(emailTo, e == null ? null : e.to()), pick(smtpCertificate, e == null ? null : e.trustedCertificate()));
        }
        List<NotificationSettings.Webhook> hooks = stored.webhooks();
        if (webhookUrl != null || webhookSecret != null) {
            hooks = new ArrayList<>();
            hooks.add(new NotificationSettings.Webhook(webhookUrl, webhookSecret));
        }
        return new NotificationSettings(e, hooks, pick(events, stored.events()), pick(expiryDays, stored.expiryDays()),
                pick(busyPercent, stored.busyPercent()), pick(busyMinutes, stored.busyMinutes()), pick(quietMinutes, stored.quietMinutes()));
    }

    private static <T> T pick(T given, T stored) {
        return given != null ? given : stored;
    }
}
