package dev.usher.server.report;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.usage.UsageEvent;
import dev.usher.core.usage.UsageTimeline;
import dev.usher.server.seat.PoolCatalog;
import dev.usher.core.usage.UsageHistory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Builds the usage history in the background: every tick covers the minutes that ended (a couple
 * of seconds ago, so events stamped just before a minute's end have committed), rolls complete
 * hours and days up, and applies retention. "Now" always comes from the injected clock, so tests
 * move the clock and call {@link #tick()}.
 *
 * <p>Nothing is kept in memory between ticks: each starts from the state the last save left in the
 * database. So with several nodes on one PostgreSQL every node may tick: a save that finds the state
 * moved on (another node saved first) changes nothing, and when a node stops, the others simply go on.
 */
public final class UsageRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);
    /** Events stamped up to this long before a minute's end may still be committing when it ends. */
    static final long SETTLE_MS = 2_000;
    private static final int PAGE = 10_000;

    private final UsageHistory store;
    private final PoolCatalog catalog;
    private final Clock clock;
    private final ReportSettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-usage-recorder").daemon(true).factory());

    public UsageRecorder(UsageHistory store, PoolCatalog catalog, Clock clock, ReportSettings settings) {
        this.store = store;
        this.catalog = catalog;
        this.clock = clock;
        this.settings = settings;
    }

    public UsageHistory store() {
        return store;
    }

    public ReportSettings settings() {
        return settings;
    }

    /**
     * Makes sure history has a starting point (the current minute, with the seats held now) before
     * anything else is recorded, so every later event is counted.
     */
    public void begin() {
        long now = clock.millis();
        store.state(Math.floorDiv(now, UsageTimeline.MINUTE) * UsageTimeline.MINUTE);
    }

    public void start() {
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                LOG.error("usage history update failed; will retry", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Covers every minute that ended, rolls up, applies retention; returns the minutes covered. */
    public synchronized int tick() {
        long now = clock.millis();
        long until = Math.floorDiv(now - SETTLE_MS, UsageTimeline.MINUTE) * UsageTimeline.MINUTE;
        UsageHistory.State state = store.state(until);
        int minutes = 0;
        while (state.through() < until) {
            // At most a day per transaction: a long outage is caught up in steps, each durable.
            long target = Math.min(until, state.through() + UsageTimeline.DAY);
            Instant at = Instant.ofEpochMilli(target);
            Set<PoolKey> known = new HashSet<>();
            catalog.summaries(at).forEach(s -> known.add(s.key()));
            UsageTimeline timeline = new UsageTimeline(state.through(), state.lastEventId(), state.inUse(), state.open(),
                    (pool, t) -> catalog.terms(pool, Instant.ofEpochMilli(t)).capacity(), known);
            long close = target;
            feed:
            while (true) {
                UsageHistory.EventPage page = store.read(timeline.lastEventId(), PAGE);
                if (page.heldBackFrom() != Long.MAX_VALUE) {
                    // PostgreSQL: an event behind a hole that may still commit; close only the minutes before it.
                    close = Math.min(close, Math.floorDiv(page.heldBackFrom(), UsageTimeline.MINUTE) * UsageTimeline.MINUTE);
                }
                for (UsageEvent e : page.events()) {
                    if (e.at() >= close) {
                        break feed;
                    }
                    timeline.feed(e);
                }
                if (page.events().size() < PAGE || close < target) {
                    break;
                }
            }
            if (close <= state.through()) {
                break; // nothing can be closed until the hole settles (the next tick, usually)
            }
            target = close;
            timeline.closeUntil(target);
            if (!store.save(state, timeline, timeline.drain())) {
                break; // another node recorded these minutes; the next tick goes on from what it saved
            }
            minutes += (int) ((target - state.through()) / UsageTimeline.MINUTE);
            state = new UsageHistory.State(timeline.through(), timeline.lastEventId(), timeline.inUse(), timeline.openSeats());
        }
        purge(now);
        return minutes;
    }

    /** Deletes what is past its window as of {@code now}. */
    public UsageHistory.Purged purge(long now) {
        return store.purge(now - settings.keepMinutes().toMillis(), now - settings.keepHours().toMillis(),
                settings.keepDays() == null ? null : now - settings.keepDays().toMillis(), now - settings.keepHours().toMillis());
    }

    /** The period a step's rows are kept for (null: forever). */
    public Duration kept(dev.usher.core.usage.UsageRow.Step step) {
        return switch (step) {
            case MINUTE -> settings.keepMinutes();
            case HOUR -> settings.keepHours();
            case DAY -> settings.keepDays();
        };
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
