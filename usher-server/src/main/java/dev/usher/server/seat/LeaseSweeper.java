package dev.usher.server.seat;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.lease.LeaseRecords;
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
    private final LeaseRecords records;
    private final LeaseTable leases;
    private final Clock clock;
    private volatile SeatCounters counters = SeatCounters.NONE;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-lease-sweeper").daemon(true).factory());

    /** Null on a lone server; with several nodes, whether this node holds the sweeper lock now. */
    private final java.util.function.BooleanSupplier leadsSweeps;

    public LeaseSweeper(SeatLedger ledger, LeaseRecords records, LeaseTable leases, Clock clock) {
        this(ledger, records, leases, clock, null);
    }

    /**
     * A sweeper for one of several nodes on a shared database: expiry is decided from the leases
     * stored there (every answered heartbeat is stored first), and only while this node holds the
     * sweeper lock ({@code leadsSweeps}); this node's memory only caches leases.
     */
    public LeaseSweeper(SeatLedger ledger, LeaseRecords records, LeaseTable leases, Clock clock,
                        java.util.function.BooleanSupplier leadsSweeps) {
        this.ledger = ledger;
        this.records = records;
        this.leases = leases;
        this.clock = clock;
        this.leadsSweeps = leadsSweeps;
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
        if (leadsSweeps != null) {
            return sweepShared();
        }
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

    private int sweepShared() {
        Instant now = clock.instant();
        // What lapsed in this node's memory leaves it; whether the session ends is the database's call
        // (another node may have taken its heartbeats).
        for (String id : leases.lapsed(now, Integer.MAX_VALUE)) {
            leases.remove(id);
        }
        if (!leadsSweeps.getAsBoolean()) {
            return 0;
        }
        int ended = 0;
        for (int round = 0; round < 1000; round++) {
            List<String> lapsed = records.lapsedInStore(now, BATCH);
            if (lapsed.isEmpty()) {
                break;
            }
            int n = ledger.expire(lapsed, now);
            counters.expired(n);
            ended += n;
            if (n == 0 || lapsed.size() < BATCH) {
                break;
            }
        }
        counters.released(SeatCounters.Release.LINGER_END, ledger.endLingering(now));
        return ended;
    }

    /** Writes the leases heartbeats extended since the last flush (with several nodes they were written before the answer). */
    public void flush() {
        List<LeaseTable.Lease> dirty = leases.drainDirty();
        if (leadsSweeps == null) {
            records.saveLeases(dirty);
        }
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
