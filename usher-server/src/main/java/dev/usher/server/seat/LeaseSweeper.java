package dev.usher.server.seat;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.SeatLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends sessions whose lease lapsed, returns seats whose linger ended, and writes heartbeat-extended
 * leases to the store. A seat of a crashed client is back in its pool within the lease TTL plus one
 * sweep interval. Ticks run on a timer, but what is "now" always comes from the injected clock, so
 * tests drive expiry by moving the clock and calling {@link #sweep()}.
 */
public final class LeaseSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseSweeper.class);
    private static final int BATCH = 500;

    private final SeatLedger ledger;
    private final LeaseTable leases;
    private final Clock clock;
    private volatile SeatCounters counters = SeatCounters.NONE;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-lease-sweeper").daemon(true).factory());

    public LeaseSweeper(SeatLedger ledger, LeaseTable leases, Clock clock) {
        this.ledger = ledger;
        this.leases = leases;
        this.clock = clock;
    }

    /** Where expiries and ended lingers are counted (the metrics); set once by the composition root. */
    public void countWith(SeatCounters counters) {
        this.counters = counters;
    }

    public void start(Duration sweepInterval, Duration flushInterval) {
        timer.scheduleWithFixedDelay(this::sweepSafely, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::flushSafely, flushInterval.toMillis(), flushInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends every lapsed session and every ended linger as of now; returns the sessions ended. */
    public int sweep() {
        Instant now = clock.instant();
        int ended = 0;
        // Bounded: a batch the ledger could not end (say, a store error) must not spin this thread.
        for (int round = 0; round < 1000; round++) {
            List<String> lapsed = leases.lapsed(now, BATCH);
            if (lapsed.isEmpty()) {
                break;
            }
            int expired = ledger.expire(lapsed, now);
            counters.expired(expired);
            ended += expired;
            if (lapsed.size() < BATCH) {
                break;
            }
        }
        counters.released(SeatCounters.Release.LINGER_END, ledger.endLingering(now));
        return ended;
    }

    /** Writes the leases heartbeats extended since the last flush. */
    public void flush() {
        ledger.saveLeases(leases.drainDirty());
    }

    private void sweepSafely() {
        try {
            int n = sweep();
            if (n > 0) {
                LOG.info("ended {} session(s) whose lease lapsed", n);
            }
        } catch (RuntimeException e) {
            LOG.error("lease sweep failed; will retry", e);
        }
    }

    private void flushSafely() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.error("lease flush failed; will retry", e);
        }
    }

    @Override
    public void close() {
        timer.shutdown();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushSafely();
    }
}
