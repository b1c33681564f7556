package dev.usher.server.report;

import dev.usher.core.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Appends what happened to the audit trail in the background, in batches (one transaction and one
 * fsync per batch, however many events). Turned off, nothing is chained, but nothing is lost either:
 * the events stay in their tables and are chained when it is turned on again.
 */
public final class AuditRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditRecorder.class);
    /**
     * Records per write transaction: small enough that checkouts queued behind the single writer
     * wait a few milliseconds at most, large enough that the trail keeps up with thousands of
     * events per second.
     */
    static final int BATCH = 1_000;

    private final AuditLog log;
    private volatile boolean enabled;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-audit-recorder").daemon(true).factory());

    public AuditRecorder(AuditLog log, boolean enabled) {
        this.log = log;
        this.enabled = enabled;
    }

    public AuditLog log() {
        return log;
    }

    public boolean enabled() {
        return enabled;
    }

    public void setEnabled(boolean on) {
        enabled = on;
    }

    public void start(Duration interval) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.error("audit trail append failed; will retry", e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Chains everything recorded so far (when enabled); returns how many records were appended. */
    public synchronized int tick() {
        if (!enabled) {
            return 0;
        }
        int total = 0;
        int n;
        do {
            n = log.append(BATCH);
            total += n;
            if (n == BATCH) {
                Thread.yield(); // let the request threads queue their writes between two batches
            }
        } while (n == BATCH);
        return total;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (enabled) {
            try {
                tick(); // what happened up to the stop is in the trail
            } catch (RuntimeException e) {
                LOG.warn("audit trail not appended at stop; it will be at the next start", e);
            }
        }
    }
}
