package dev.usher.server.seat;

import dev.usher.core.lease.ClockSteps;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.lease.LeaseRecords;
import dev.usher.core.seat.SeatLedger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends sessions whose lease lapsed, returns seats whose linger ended, and writes heartbeat-extended
 * leases to the store. A seat of a crashed client is back in its pool within the lease TTL plus one
 * sweep interval. Ticks run on a timer, but what is "now" always comes from the injected clock, so
 * tests drive expiry by moving the clock and calling {@link #sweep()}.
 *
 * <p>Each sweep also compares the wall clock with the monotonic one ({@link ClockSteps}): when the wall
 * clock stepped (NTP, an administrator), the leases are moved by the step, so a step ahead does not free
 * every seat and a step back does not keep dead ones. Loans are not moved: a loan ends on the calendar
 * date its token carries, which the client checks against its own clock. Lingers are not moved either:
 * they are short (minutes) and belong to the seat book; a step ends them early or late by the step.
 * A heartbeat that finds its lease lapsed looks for a step too ({@link #followClockStep()}) before it is
 * refused: after a step ahead, it may come before the sweep that would have moved its lease.
 */
public final class LeaseSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseSweeper.class);
    private static final int BATCH = 500;

    private final SeatLedger ledger;
    private final LeaseRecords records;
    private final LeaseTable leases;
    private final Clock clock;
    private final java.util.function.LongSupplier nanoTime;
    private final Duration ttl;
    /**
     * Looked at by sweeps and by refused heartbeats, from different threads, always under this sweeper's lock,
     * which sweeps and flushes hold too: one step moves the leases once, in memory and in the store alike (a flush
     * meanwhile would write back leases from before the move), and never in the middle of a sweep (a step back
     * moved then would make every lease look lapsed at the "now" the sweep read before it).
     */
    private final ClockSteps steps = new ClockSteps();
    /** Monotonic time of the last step seen (shared store: no sweep until the clock is confirmed after it). */
    private long lastStepAt = Long.MIN_VALUE;
    private boolean refusing;
    private volatile SeatCounters counters = SeatCounters.NONE;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-lease-sweeper").daemon(true).factory());

    /** Null on a lone server; with several nodes, whether this node may sweep now. */
    private final SweepTurn turn;

    /**
     * A lone server's sweeper. {@code nanoTime} is the monotonic clock that goes with {@code clock}
     * ({@code System::nanoTime} for the system clock; null when it has none: no step is then looked for);
     * {@code ttl} the lease TTL.
     */
    public LeaseSweeper(SeatLedger ledger, LeaseRecords records, LeaseTable leases, Clock clock,
                        java.util.function.LongSupplier nanoTime, Duration ttl) {
        this(ledger, records, leases, clock, nanoTime, ttl, null);
    }

    /**
     * A sweeper for one of several nodes on a shared database: expiry is decided from the leases
     * stored there (every answered heartbeat is stored first), and only when {@code turn} allows it
     * (this node holds the sweeper lock and its clock agrees with the database's); this node's memory
     * only caches leases.
     */
    public LeaseSweeper(SeatLedger ledger, LeaseRecords records, LeaseTable leases, Clock clock,
                        java.util.function.LongSupplier nanoTime, Duration ttl, SweepTurn turn) {
        this.ledger = ledger;
        this.records = records;
        this.leases = leases;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.ttl = ttl;
        this.turn = turn;
    }

    /** Where expiries and ended lingers are counted (the metrics); set once by the composition root. */
    public void countWith(SeatCounters counters) {
        this.counters = counters;
    }

    public void start(Duration sweepInterval, Duration flushInterval) {
        synchronized (this) {
            if (nanoTime != null) {
                steps.look(clock.instant(), nanoTime.getAsLong()); // so a step before the first sweep is seen too
            }
        }
        timer.scheduleWithFixedDelay(this::sweepSafely, sweepInterval.toMillis(), sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::flushSafely, flushInterval.toMillis(), flushInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends every lapsed session and every ended linger as of now; returns the sessions ended. */
    public synchronized int sweep() {
        if (turn != null) {
            return sweepShared();
        }
        Instant now = clock.instant();
        followClockStep(now);
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

    /**
     * Looks for a step of the wall clock since the last look (a sweep's or a refused heartbeat's) and moves the
     * leases by it: in memory, and on a lone server the stored ones and the seat book's too (what a restart and
     * the seat decisions read). With several nodes the stored leases follow the database's clock, not this one's.
     * Returns whether the wall clock stepped.
     */
    public synchronized boolean followClockStep() {
        return followClockStep(clock.instant());
    }

    private boolean followClockStep(Instant now) {
        if (nanoTime == null) {
            return false;
        }
        long mono = nanoTime.getAsLong();
        Optional<ClockSteps.Step> step = steps.look(now, mono);
        if (step.isEmpty()) {
            return false;
        }
        lastStepAt = mono;
        ClockSteps.LeaseShift shift = step.get().leases(now, ttl);
        int moved = leases.shift(shift);
        if (turn == null) {
            // Written down first, so that the store moves what memory moved.
            records.saveLeases(leases.drainDirty());
            records.shiftLeases(shift);
        }
        LOG.warn("the wall clock stepped {} by {} s since it was last looked at (compared with the monotonic clock); "
                        + "moved {} lease(s) by the same so each keeps the time it had left{}",
                shift.by().isNegative() ? "back" : "ahead", Math.abs(shift.by().toMillis()) / 1000.0, moved,
                turn == null ? "" : " (in this node's memory; the stored leases follow the database's clock)");
        return true;
    }

    private int sweepShared() {
        Instant now = clock.instant();
        followClockStep(now);
        // What lapsed in this node's memory leaves it; whether the session ends is the database's call
        // (another node may have taken its heartbeats).
        for (String id : leases.lapsed(now, Integer.MAX_VALUE)) {
            leases.remove(id);
        }
        if (!turn.leadsSweeps()) {
            return 0;
        }
        if (!turn.clockAgreesSince(lastStepAt)) {
            // Leases are compared with this node's clock: on a wrong one the sweep would free held seats.
            if (!refusing) {
                LOG.warn("not sweeping lapsed leases: this node's clock is not confirmed to agree with the database's");
                refusing = true;
            }
            return 0;
        }
        if (refusing) {
            LOG.info("sweeping lapsed leases again: this node's clock agrees with the database's");
            refusing = false;
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
    public synchronized void flush() {
        List<LeaseTable.Lease> dirty = leases.drainDirty();
        if (turn == null) {
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
