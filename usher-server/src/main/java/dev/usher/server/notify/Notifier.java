package dev.usher.server.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.RetrySchedule;
import dev.usher.core.notify.NotificationLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The background job of notifications. Every tick it
 * <ol>
 *   <li>asks each watch whose event is turned on what it sees, and claims what is new: the claim (a
 *       unique event key in the database) and the messages to send are written in one transaction, so
 *       of several nodes noticing the same event exactly one queues its messages;</li>
 *   <li>sends the messages that are due, on any node: each is taken with a conditional update first, so
 *       two nodes never send the same one; a failure is tried again with exponential back-off
 *       ({@link RetrySchedule}), and every attempt is in the delivery log.</li>
 * </ol>
 * "Now" comes from the injected clock: tests move it and call {@link #tick()}.
 */
public final class Notifier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    /** How long a node may take over one message before another may take it again (it died sending). */
    static final Duration LEASE = Duration.ofMinutes(2);
    /** Finished deliveries and quiet periods are kept this long in the log. */
    static final Duration KEEP = Duration.ofDays(90);
    private static final int BATCH = 50;

    /** What one tick did. */
    public record Tick(int announced, int sent, int failed) {}

    private final NotificationLog log;
    private final Supplier<NotificationSettings> settings;
    private final List<Watch> watches;
    private final Channels channels;
    private final Clock clock;
    private final AlertMessage.Origin origin;
    private final RetrySchedule retries;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-notifier").daemon(true).factory());
    private Instant nextPurge = Instant.MIN;

    Notifier(NotificationLog log, Supplier<NotificationSettings> settings, List<Watch> watches, Channels channels, Clock clock,
             AlertMessage.Origin origin, RetrySchedule retries) {
        this.log = log;
        this.settings = settings;
        this.watches = List.copyOf(watches);
        this.channels = channels;
        this.clock = clock;
        this.origin = origin;
        this.retries = retries;
    }

    public void start(Duration every) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.warn("notifications: {}; will retry", e.toString());
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Looks for events, claims and queues what is new, sends what is due. */
    public synchronized Tick tick() {
        Instant now = clock.instant();
        NotificationSettings s = settings.get();
        int announced = 0;
        for (Watch w : watches) {
            if (!s.anyChannel() || !s.sends(w.kind())) {
                w.skip(now);
                continue;
            }
            try {
                for (Alert a : w.check(now, s)) {
                    if (log.claim(a, AlertMessage.of(a, origin).toJson(), Channels.targets(s), origin.node())) {
                        announced++;
                        LOG.info("notification: {} ({})", a.subject(), a.key());
                    }
                }
            } catch (RuntimeException e) {
                // One watch failing (the database busy, the doctor slow) must not keep the others quiet.
                LOG.warn("notifications: looking for {} failed: {}", w.kind().code(), e.toString());
            }
        }
        int[] outcome = deliver(now, s);
        if (!now.isBefore(nextPurge)) {
            log.purge(now.minus(KEEP));
            nextPurge = now.plus(Duration.ofHours(1));
        }
        return new Tick(announced, outcome[0], outcome[1]);
    }

    /** Sends every delivery due at {@code now}; returns {sent, failed}. */
    private int[] deliver(Instant now, NotificationSettings s) {
        int sent = 0;
        int failed = 0;
        for (NotificationLog.Delivery d : log.due(now, BATCH)) {
            if (!log.take(d.id(), now, LEASE)) {
                continue; // another node has it
            }
            try {
                channels.send(d.channel(), d.target(), d.payload(), d.id(), s, now);
                log.sent(d.id(), clock.instant());
                sent++;
            } catch (RuntimeException e) {
                // Anything else that breaks a send (a certificate that cannot be used, ...) is a failed attempt too.
                DeliveryException why = e instanceof DeliveryException de ? de : new DeliveryException(e.toString());
                int made = d.attempts() + 1;
                Instant retry = why.permanent() ? null : retries.after(made).map(now::plus).orElse(null);
                log.failed(d.id(), why.getMessage(), retry);
                failed++;
                LOG.warn("notification {} to {} failed (attempt {}): {}{}", d.id(), d.target(), made, why.getMessage(),
                        retry == null ? "; giving up" : "; trying again at " + retry);
            }
        }
        return new int[] {sent, failed};
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channels.close();
    }
}
