package dev.usher.server.cluster;

import dev.usher.core.cluster.ClusterRegistry;
import dev.usher.core.time.MonotonicClock;
import dev.usher.server.seat.SweepTurn;
import dev.usher.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This server as one node of several sharing a PostgreSQL database. Twice a second it
 * <ul>
 *   <li>reads the configuration version and, when another node (or this one) changed licenses,
 *       keys, settings, rules, people or tokens, reloads this node's caches: every node sees a change
 *       within a second;</li>
 *   <li>holds or tries to take the sweeper lock, a session-level advisory lock on a connection of its
 *       own: exactly one live node holds it, and when that node dies its connection closes and
 *       another node takes over within a tick;</li>
 *   <li>registers itself in {@code nodes} (id, host, version, start, last seen, whether it sweeps), and
 *       reads the database's clock in the same statement: a node whose clock is more than
 *       {@link #MAX_CLOCK_SKEW} off does not sweep, and its {@code /readyz} says so.</li>
 * </ul>
 * The sweeper lock is for efficiency and for the cluster view; correctness does not depend on it,
 * because an expiry is decided on the session's stored lease under its lock (see {@code SharedSeatEngine}).
 */
public final class ClusterNode implements ClusterView, SweepTurn, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** A node not seen for this long is no longer listed (it beats every second). */
    public static final Duration SEEN_RECENTLY = Duration.ofSeconds(10);
    /**
     * How far a node's clock may be from the database's. Leases are set by the clock of the node that took
     * the heartbeat and compared with the sweeping node's, so this is how early or late a seat can be freed
     * because of clocks. NTP keeps machines within milliseconds; 5 s also absorbs a slow beat's round trip.
     */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofSeconds(5);

    private final ClusterRegistry store;
    private final String id = UUID.randomUUID().toString();
    private final String host;
    private final String version;
    private final Clock clock;
    private final java.util.function.LongSupplier nanoTime;
    /** False for a clock a test drives by hand: it has nothing to do with the database's. */
    private final boolean checksClock;
    private final Instant startedAt;
    private final Runnable onConfigChange;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("usher-cluster-node").daemon(true).factory());
    private volatile String url;
    private volatile long configVersion;
    private volatile boolean sweeps;
    private volatile boolean unreachableLogged;
    /** Why this node's clock is not trusted, or null; and when (monotonic) a beat last found it agreeing. */
    private volatile String clockProblem;
    private volatile long clockAgreedAt = Long.MIN_VALUE;

    public ClusterNode(ClusterRegistry store, String host, String version, Clock clock, Runnable onConfigChange) {
        this.store = store;
        this.host = host;
        this.version = version;
        this.clock = clock;
        var mono = MonotonicClock.of(clock);
        this.nanoTime = mono != null ? mono : System::nanoTime;
        this.checksClock = MonotonicClock.readsRealTime(clock);
        this.startedAt = clock.instant();
        this.onConfigChange = onConfigChange;
        this.configVersion = store.configVersion();
    }

    public ClusterRegistry store() {
        return store;
    }

    public String id() {
        return id;
    }

    /** True when another node beat recently (so this start is not the whole cluster coming back). */
    public boolean othersAlive() {
        Instant now = clock.instant();
        return store.nodesSeenSince(now.minus(SEEN_RECENTLY)).stream().anyMatch(n -> !n.id().equals(id));
    }

    public void start(String url) {
        this.url = url;
        tick();
        timer.scheduleWithFixedDelay(this::tick, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** One round: configuration version, sweeper lock, registration. Public for tests that drive it. */
    public void tick() {
        try {
            long v = store.configVersion();
            if (v != configVersion) {
                onConfigChange.run();
                configVersion = v; // only once reloaded: a failed reload is tried again next tick
            }
            holdOrTakeSweeperLock();
            long beganAt = nanoTime.getAsLong();
            Instant before = clock.instant();
            Instant dbNow = store.beat(id, host, url, version, startedAt, before, leadsSweeps());
            if (checksClock) {
                Instant after = clock.instant();
                checkClock(dbNow, before.plus(Duration.between(before, after).dividedBy(2)), beganAt);
            } else {
                clockAgreedAt = beganAt;
            }
            if (unreachableLogged) {
                LOG.info("the database is reachable again");
                unreachableLogged = false;
                onConfigChange.run(); // changes made while we could not look
            }
        } catch (RuntimeException e) {
            if (!unreachableLogged) {
                LOG.warn("cluster tick failed (database unreachable?): {}", e.getMessage());
                unreachableLogged = true;
            }
            dropSweeperLock();
        }
    }

    /** Compares this node's clock ({@code local}, half-way through the beat) with the database's. */
    private void checkClock(Instant dbNow, Instant local, long beganAt) {
        Duration off = Duration.between(dbNow, local);
        if (off.abs().compareTo(MAX_CLOCK_SKEW) > 0) {
            String problem = "this node's clock is " + Math.abs(off.toMillis()) / 1000.0 + " s "
                    + (off.isNegative() ? "behind" : "ahead of") + " the database's (more than " + MAX_CLOCK_SKEW.toSeconds()
                    + " s): it does not sweep lapsed leases until they agree (check NTP on this machine and the database's)";
            if (clockProblem == null) {
                LOG.warn(problem);
            }
            clockProblem = problem;
            return;
        }
        if (clockProblem != null) {
            LOG.info("this node's clock agrees with the database's again");
            clockProblem = null;
        }
        clockAgreedAt = beganAt;
    }

    @Override
    public boolean clockAgreesSince(long monoNanos) {
        return clockProblem == null && clockAgreedAt != Long.MIN_VALUE && clockAgreedAt >= monoNanos;
    }

    @Override
    public Optional<String> clockProblem() {
        return Optional.ofNullable(clockProblem);
    }

    private void holdOrTakeSweeperLock() {
        boolean had = sweeps;
        sweeps = store.holdOrTakeSweeperLock();
        if (sweeps && !had) {
            LOG.info("this node ({}) now sweeps lapsed leases for the cluster", id);
        }
    }

    private void dropSweeperLock() {
        sweeps = false;
        store.dropSweeperLock();
    }

    @Override
    public boolean leadsSweeps() {
        return sweeps;
    }

    @Override
    public String nodeId() {
        return id;
    }

    @Override
    public List<NodeView> nodes() {
        Instant now = clock.instant();
        return store.nodesSeenSince(now.minus(SEEN_RECENTLY)).stream()
                .map(n -> new NodeView(n.id(), n.host(), n.url(), n.version(), n.startedAt(), n.lastSeenAt(), n.sweeps(), n.id().equals(id)))
                .toList();
    }

    @Override
    public String storeKind() {
        return "postgresql";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dropSweeperLock();
        try {
            store.leave(id);
        } catch (StoreException e) {
            // the database is away; the row ages out of the view
        }
    }
}
