package dev.usher.server.notify;

import dev.usher.core.audit.AuditLog;
import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.core.notify.NotificationLog;
import dev.usher.core.notify.RetrySchedule;
import dev.usher.core.store.SettingsRepository;
import dev.usher.core.usage.UsageHistory;
import dev.usher.server.auth.Doctor;
import dev.usher.server.cluster.ClusterView;
import dev.usher.server.license.LicenseService;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.server.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Notifications as the API and the console see them: the settings (stored once for every node,
 * secrets kept and never shown), "send a test", the delivery log; and the {@link Notifier} that runs them.
 */
public final class Notifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifications.class);

    /** What the notifier watches, from the rest of the server. */
    public record Sources(LicenseService licenses, PoolTermsSource pools, UsageHistory usage, AuditLog audit, Doctor doctor,
                          ClusterView cluster) {}

    /** The outcome of a test message on one channel. */
    public record TestResult(String channel, String target, boolean ok, String detail) {}

    private final SettingsRepository settings;
    private final NotificationLog log;
    private final AuditTrail audit;
    private final Clock clock;
    private final AlertMessage.Origin origin;
    private final Channels channels = new Channels();
    private final Notifier notifier;

    public Notifications(SettingsRepository settings, NotificationLog log, Sources sources, AuditTrail audit, Clock clock,
                         String installationId, String host, RetrySchedule retries) {
        this.settings = settings;
        this.log = log;
        this.audit = audit;
        this.clock = clock;
        this.origin = new AlertMessage.Origin(installationId, sources.cluster().nodeId(), host);
        List<Watch> watches = List.of(new LicenseExpiryWatch(sources.licenses()), new BusyPoolWatch(sources.usage()),
                new RefusalWatch(log, sources.pools(), clock.instant()), new DoctorWatch(sources.doctor(), log, origin.node()),
                new AuditChainWatch(sources.audit()), new NodeWatch(sources.cluster()));
        this.notifier = new Notifier(log, this::settings, watches, channels, clock, origin, retries);
    }

    public Notifier notifier() {
        return notifier;
    }

    /** The stored settings (none yet: nothing is sent). */
    public NotificationSettings settings() {
        return settings.get(NotificationSettings.SETTINGS_KEY).map(json -> {
            try {
                return NotificationSettings.fromJson(json);
            } catch (IllegalArgumentException e) {
                LOG.warn("the stored notification settings cannot be read ({}); nothing is sent until they are saved again", e.getMessage());
                return NotificationSettings.NONE;
            }
        }).orElse(NotificationSettings.NONE);
    }

    /**
     * Saves what an administrator sent (secrets left out keep the stored ones); nothing is saved when a
     * field is wrong.
     *
     * @throws IllegalArgumentException naming every wrong field
     */
    public NotificationSettings save(NotificationSettings incoming) {
        NotificationSettings s = usable(incoming.keepingSecretsOf(settings()));
        settings.put(NotificationSettings.SETTINGS_KEY, s.toJson());
        audit.record("notification-settings", null, s.toString());
        return s;
    }

    /** At start: the values of the configuration file or environment replace the stored ones. */
    public void applyAtStart(NotificationOverrides overrides) {
        if (overrides == null || !overrides.any()) {
            return;
        }
        NotificationSettings s;
        try {
            s = usable(overrides.applyTo(settings()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("notification settings (notify.* in the configuration): " + e.getMessage(), e);
        }
        settings.put(NotificationSettings.SETTINGS_KEY, s.toJson());
    }

    private static NotificationSettings usable(NotificationSettings s) {
        List<String> problems = s.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return s;
    }

    /**
     * Sends a test message now on every channel of {@code candidate} (settings being edited, stored secrets
     * kept), or of the stored settings when null; every attempt is in the delivery log. Not deduplicated,
     * not retried: the answer says at once whether it went.
     */
    public List<TestResult> sendTest(NotificationSettings candidate) {
        NotificationSettings s = candidate == null ? settings() : usable(candidate.keepingSecretsOf(settings()));
        if (!s.anyChannel()) {
            throw new IllegalArgumentException("no channel to test: give an e-mail server and recipients, or a webhook");
        }
        Instant now = clock.instant();
        Alert a = new Alert("test:" + UUID.randomUUID(), AlertKind.TEST, now, "Test message from Usher",
                "This is a test of the notification settings, sent on request at " + now + ". Usher will write like this when a"
                        + " license is about to expire, a pool is full, people are refused, the doctor finds something, the audit trail"
                        + " fails verification, or a node is gone.", Map.of(), null);
        String payload = AlertMessage.of(a, origin).toJson();
        List<TestResult> out = new ArrayList<>();
        for (NotificationLog.Target t : Channels.targets(s)) {
            String error = null;
            try {
                channels.send(t.channel(), t.target(), payload, 0, s, now);
            } catch (RuntimeException e) {
                error = e instanceof DeliveryException ? e.getMessage() : e.toString();
            }
            log.logSent(a, payload, t, error);
            out.add(new TestResult(t.channel(), t.target(), error == null, error == null ? "sent" : error));
        }
        audit.record("notification-test", null, out.stream().map(r -> r.channel() + " " + (r.ok() ? "sent" : "failed")).toList().toString());
        return out;
    }

    /** The newest deliveries first. */
    public List<NotificationLog.Delivery> deliveries(String channel, int limit) {
        return log.recent(channel, limit);
    }

    public void start(java.time.Duration every) {
        notifier.start(every);
    }

    @Override
    public void close() {
        notifier.close();
    }
}
