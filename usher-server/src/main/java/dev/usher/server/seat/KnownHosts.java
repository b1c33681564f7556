package dev.usher.server.seat;

import dev.usher.core.identity.PeopleHistory;
import dev.usher.core.identity.UserNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The computers seen checking out (host keys, {@link UserNames#hostKey}), so that a user name that is
 * one of them can be recognised as a machine's: the hosts of the last {@link #WINDOW} of seat
 * history, read when first asked and again every {@link #RELOAD_EVERY} (what other nodes saw
 * reaches this one then), plus every host this server has handled a checkout from since it started.
 */
public final class KnownHosts {

    private static final Logger LOG = LoggerFactory.getLogger(KnownHosts.class);
    /** As far back as the doctor looks ({@code HostHistory.WINDOW}). */
    static final Duration WINDOW = Duration.ofDays(90);
    static final Duration RELOAD_EVERY = Duration.ofMinutes(10);
    /** Hosts remembered between reloads at most: open mode lets anyone send any host name. */
    static final int MAX_SEEN = 100_000;

    private final PeopleHistory history;
    private final Clock clock;
    private volatile Set<String> fromHistory = Set.of();
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    /** When the history is read next; null before the first read. */
    private volatile Instant reloadAt;

    public KnownHosts(PeopleHistory history, Clock clock) {
        this.history = history;
        this.clock = clock;
    }

    /** Whether {@code key} (a normalized name) is the key of a computer seen checking out. */
    public boolean contains(String key) {
        return seen.contains(key) || current().contains(key);
    }

    /** A checkout came from {@code hostKey}. */
    public void seen(String hostKey) {
        if (seen.size() >= MAX_SEEN) {
            seen.clear(); // the history holds those that took seats; the next reload brings them back
            reloadAt = null;
        }
        seen.add(hostKey);
    }

    private Set<String> current() {
        Instant now = clock.instant();
        Instant due = reloadAt;
        if (due != null && now.isBefore(due)) {
            return fromHistory;
        }
        synchronized (this) {
            if (reloadAt == null || !now.isBefore(reloadAt)) {
                reloadAt = now.plus(RELOAD_EVERY);
                try {
                    fromHistory = read(now);
                } catch (RuntimeException e) {
                    // Deciding seats must not fail because the history could not be read: the last reading stays.
                    LOG.warn("could not read the hosts of the seat history (kept the last reading; next try in {}): {}",
                            RELOAD_EVERY, e.toString());
                }
            }
            return fromHistory;
        }
    }

    private Set<String> read(Instant now) {
        Set<String> hosts = new HashSet<>();
        for (PeopleHistory.HostUse u : history.hostUse(now.minus(WINDOW))) {
            try {
                hosts.add(UserNames.hostKey(u.host()));
            } catch (IllegalArgumentException e) {
                // a host stored before names were checked: no user name can be it
            }
        }
        return Set.copyOf(hosts);
    }
}
