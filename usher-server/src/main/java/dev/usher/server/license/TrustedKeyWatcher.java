package dev.usher.server.license;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Makes the trusted-keys directories live: once a second it compares the key files' names, sizes and times with
 * the ones the inventory was built from, and reloads when they differ. A key copied in starts licensing, a key
 * removed stops new grants (held seats are never cut), with no restart and no command. Polling a small directory
 * costs a listing per second and works on every file system (a network share's change events do not).
 */
public final class TrustedKeyWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrustedKeyWatcher.class);
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private final LicenseService licenses;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-trusted-keys").daemon(true).factory());
    private String lastProblem;

    public TrustedKeyWatcher(LicenseService licenses) {
        this.licenses = licenses;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::tick, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One look at the directories (tests call it instead of waiting). */
    public void tick() {
        try {
            licenses.reloadIfKeysChanged();
            lastProblem = null;
        } catch (RuntimeException e) {
            // The previous keys keep serving; say it once, not every second.
            if (!String.valueOf(e.getMessage()).equals(lastProblem)) {
                lastProblem = String.valueOf(e.getMessage());
                LOG.warn("{}", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
