package dev.usher.cli.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Heartbeats the sessions a counted creation has made while it is still making the rest, as their clients would.
 * Creating 1,000,000 sessions takes minutes, longer than the default lease (120 s): without this, the first ones
 * lapse before {@code bench hold} starts holding them, and the memory it reports is not that of 1M live sessions.
 *
 * <p>Each of its connections walks its own stripe of the session indexes in order, round after round, and beats a
 * session once its last beat (or its creation) is one interval old. Sessions are created in index order, so the next
 * due one is nearly always the next index: a walker waits for it rather than scanning.
 *
 * <p>Keeping comes before creating: while a walker is sending a heartbeat more than a limit ({@link #LATE_LIMIT_NANOS} in
 * {@code bench hold}) after it was due, {@link #late()} says so and the creation waits ({@link Load#counted}). Without that, the creation takes
 * the server's whole capacity and the keeper falls behind by more than the lease's spare time as the sessions grow
 * (1,000,000 sessions beaten every 80 s need 12,500 heartbeats/s): on a 2-core machine 680,000 of 1,000,000 lapsed.
 */
final class SessionKeeper implements AutoCloseable {

    private static final long NOT_CREATED = 0;
    private static final long GONE = -1;
    private static final long IDLE_NANOS = Duration.ofMillis(20).toNanos();
    /** Shorter than the server's idle timeout (Jetty's default, 30 s). */
    private static final long STALE_NANOS = Duration.ofSeconds(20).toNanos();
    /** Far inside the spare time of a lease (a third of it with the default interval, 40 s by default). */
    static final long LATE_LIMIT_NANOS = Duration.ofSeconds(1).toNanos();

    private final long lateLimitNanos;

    private final String[] heartbeatPaths;
    /** Per session: System.nanoTime() of its creation or last answered heartbeat; 0 not created yet, -1 failed. */
    private final AtomicLongArray lastBeat;
    private final AtomicInteger created = new AtomicInteger();
    /** Per walker: how long after it was due the heartbeat it is sending now was sent; 0 while nothing is due. */
    private final AtomicLongArray lateNanos;
    private final LongSupplier intervalNanos;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private final AtomicLong rounds = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final long started = System.nanoTime();

    /**
     * @param intervalNanos the heartbeat interval, read as it becomes known (the first checkout answer carries the
     *                      server's {@code heartbeatSeconds}); a value of 0 or less means not known yet
     * @param lateLimitNanos how late a heartbeat may be sent before {@link #late()} holds the creation back
     */
    SessionKeeper(String[] heartbeatPaths, List<InetSocketAddress> nodes, int connections, int timeoutMillis,
                  ThreadFactory threadFactory, LongSupplier intervalNanos, long lateLimitNanos) {
        this.heartbeatPaths = heartbeatPaths;
        this.lateLimitNanos = lateLimitNanos;
        this.lastBeat = new AtomicLongArray(heartbeatPaths.length);
        this.intervalNanos = intervalNanos;
        int n = Math.max(1, Math.min(connections, heartbeatPaths.length));
        this.lateNanos = new AtomicLongArray(n);
        for (int j = 0; j < n; j++) {
            Worker w = new Worker(j, nodes.get(j % nodes.size()), timeoutMillis);
            w.window(started, Long.MAX_VALUE);
            w.connect();
            workers.add(w);
            int stripe = j;
            threads.add(threadFactory.newThread(() -> walk(w, stripe, n)));
        }
        threads.forEach(Thread::start);
    }

    /** The session at {@code index} was created now (its checkout was answered). */
    void created(int index) {
        lastBeat.set(index, System.nanoTime());
        created.accumulateAndGet(index + 1, Math::max);
    }

    /** How many sessions were created or answered a heartbeat at or after {@code nanos} ({@link System#nanoTime()}). */
    int keptSince(long nanos) {
        int n = 0;
        for (int i = 0; i < lastBeat.length(); i++) {
            long t = lastBeat.get(i);
            if (t != NOT_CREATED && t != GONE && t - nanos >= 0) {
                n++;
            }
        }
        return n;
    }

    /** Whether a walker is sending a heartbeat later than the limit allows: creating must wait. */
    boolean late() {
        if (stopping) {
            return false;
        }
        for (int j = 0; j < lateNanos.length(); j++) {
            if (lateNanos.get(j) > lateLimitNanos) {
                return true;
            }
        }
        return false;
    }

    private void walk(Worker w, int stripe, int stride) {
        int i = stripe;
        // A round that neither sent a heartbeat nor waited for one is followed by a rest: the sessions below the
        // highest one created are mostly not created yet while the connections create theirs (each works through its
        // own slice), and walking over them again and again would take the cores the server and the creation need.
        boolean idle = true;
        while (!stopping) {
            long interval = intervalNanos.getAsLong();
            if (interval <= 0 || i >= created.get()) {
                // The interval is not known yet, or the walk caught up with creation: start the next round.
                lateNanos.set(stripe, 0);
                if (idle || interval <= 0) {
                    pause(IDLE_NANOS);
                }
                rounds.incrementAndGet();
                idle = true;
                i = stripe;
                continue;
            }
            long last = lastBeat.get(i);
            if (last == NOT_CREATED || last == GONE) {
                i += stride; // still being created (the next round sees it) or its checkout failed
                continue;
            }
            long wait = last + interval - System.nanoTime();
            lateNanos.set(stripe, Math.max(0, -wait));
            if (wait > 0) {
                pause(Math.min(wait, IDLE_NANOS));
                idle = false;
                continue;
            }
            idle = false;
            w.reopenIfIdleFor(STALE_NANOS); // the first heartbeat comes one interval (40 s) after the connection opened
            int status = w.call("POST", heartbeatPaths[i], null, null);
            if (Worker.ok(status)) {
                w.completed();
                lastBeat.set(i, System.nanoTime());
            } else if (status != Worker.IO_ERROR) {
                lastBeat.set(i, GONE); // the session lapsed or was ended: nothing left to keep
            }
            i += stride;
        }
    }

    /** Rounds the walkers finished over the sessions created, and the rests they took (tests: no walker spins). */
    long rounds() {
        return rounds.get();
    }

    long pauses() {
        return pauses.get();
    }

    private void pause(long nanos) {
        pauses.incrementAndGet();
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the walkers and returns what they did: every heartbeat sent, and each one that failed as an error. */
    PhaseResult stop() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        boolean complete = threads.stream().noneMatch(Thread::isAlive);
        workers.forEach(Worker::close);
        return PhaseResult.of("keep", "keep created sessions alive (heartbeats)", "req/s", seconds, workers, complete);
    }

    @Override
    public void close() {
        if (!stopping) {
            stop();
        }
    }
}
