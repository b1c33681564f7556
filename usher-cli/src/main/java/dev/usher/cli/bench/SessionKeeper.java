package dev.usher.cli.bench;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Heartbeats the sessions a counted creation has made while it is still making the rest, as their clients would.
 * Creating 1,000,000 sessions takes minutes, longer than the default lease (120 s): without this, the first ones
 * lapse before {@code bench hold} starts holding them, and the memory it reports is not that of 1M live sessions.
 *
 * <p>The sessions wait in one line in the order of their last beat (or creation): a session joins its end when it is
 * created and again each time a heartbeat is answered, so the head is always the one due first. Its connections
 * (walkers) take the head when it is due and otherwise rest until it is. An earlier keeper walked the indexes in
 * order, one stripe each: it followed the creation one interval behind and never came back to the first sessions
 * while the creation went on, so that every session created more than a lease before the creation ended lapsed.
 *
 * <p>Keeping comes before creating: while a walker is sending a heartbeat more than a limit ({@link #LATE_LIMIT_NANOS}
 * in {@code bench hold}) after it was due, {@link #late()} says so and the creation waits ({@link Load#counted}).
 * Without that, the creation takes the server's whole capacity and the keeper falls behind by more than the lease's
 * spare time as the sessions grow (1,000,000 sessions beaten every 80 s need 12,500 heartbeats/s).
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
    /** The sessions in the order they are due (shared with a {@link #successor}). */
    private final DueLine line;
    /** Per walker: how long after it was due the heartbeat it is sending now was sent; 0 while nothing is due. */
    private final AtomicLongArray lateNanos;
    private final LongSupplier intervalNanos;
    private final List<InetSocketAddress> nodes;
    private final int timeoutMillis;
    private final ThreadFactory threadFactory;
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    /** What {@link #stop} returned (a second stop returns it again). */
    private PhaseResult stopped;
    /** Times a walker found nothing due (each followed by a rest), and the rests taken. */
    private final AtomicLong idleLooks = new AtomicLong();
    private final AtomicLong pauses = new AtomicLong();
    private final long started = System.nanoTime();

    /**
     * @param intervalNanos the heartbeat interval, read as it becomes known (the first checkout answer carries the
     *                      server's {@code heartbeatSeconds}); a value of 0 or less means not known yet
     * @param lateLimitNanos how late a heartbeat may be sent before {@link #late()} holds the creation back
     */
    SessionKeeper(String[] heartbeatPaths, List<InetSocketAddress> nodes, int connections, int timeoutMillis,
                  ThreadFactory threadFactory, LongSupplier intervalNanos, long lateLimitNanos) {
        this(heartbeatPaths, new AtomicLongArray(heartbeatPaths.length), new DueLine(heartbeatPaths.length), nodes,
                connections, timeoutMillis, threadFactory, intervalNanos, lateLimitNanos);
    }

    private SessionKeeper(String[] heartbeatPaths, AtomicLongArray lastBeat, DueLine line, List<InetSocketAddress> nodes,
                          int connections, int timeoutMillis, ThreadFactory threadFactory, LongSupplier intervalNanos,
                          long lateLimitNanos) {
        this.heartbeatPaths = heartbeatPaths;
        this.lateLimitNanos = lateLimitNanos;
        this.lastBeat = lastBeat;
        this.line = line;
        this.intervalNanos = intervalNanos;
        this.nodes = nodes;
        this.timeoutMillis = timeoutMillis;
        this.threadFactory = threadFactory;
        int n = Math.max(1, Math.min(connections, heartbeatPaths.length));
        this.lateNanos = new AtomicLongArray(n);
        for (int j = 0; j < n; j++) {
            Worker w = new Worker(j, nodes.get(j % nodes.size()), timeoutMillis);
            w.window(started, Long.MAX_VALUE);
            w.connect();
            workers.add(w);
            int walker = j;
            threads.add(threadFactory.newThread(() -> walk(w, walker)));
        }
        threads.forEach(Thread::start);
    }

    /** The session at {@code index} was created now (its checkout was answered). */
    void created(int index) {
        lastBeat.set(index, System.nanoTime());
        line.add(index);
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

    /** {@link System#nanoTime()} of the creation or last answered heartbeat of session {@code index} (tests). */
    long lastBeatOf(int index) {
        return lastBeat.get(index);
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

    /**
     * Stops this keeper and starts another on the same sessions, where this one left them (each is beaten one interval
     * after its last beat), on fresh connections and with its own count: {@code bench hold} measures the hold apart from
     * the creation. Starting the hold's beats afresh instead (each session once, spread over an interval from the
     * hold's start) left a session beaten up to two intervals apart: 160 s at 80 s, past the 120 s lease.
     */
    SessionKeeper successor(int connections, Duration interval) {
        stop();
        long nanos = interval.toNanos();
        return new SessionKeeper(heartbeatPaths, lastBeat, line, nodes, connections, timeoutMillis, threadFactory,
                () -> nanos, lateLimitNanos);
    }

    /** The sessions in the order they are due: a ring of indexes, each in it at most once. */
    private static final class DueLine {
        private final int[] ring;
        private int head;
        private int queued;

        DueLine(int capacity) {
            this.ring = new int[Math.max(1, capacity)];
        }

        synchronized void add(int index) {
            if (queued == ring.length) {
                // Each session is in the line at most once (created once, put back only after it was taken out).
                throw new IllegalStateException("the due line is full: session " + index + " added twice");
            }
            ring[(head + queued++) % ring.length] = index;
        }

        /** Takes the head if it is due by {@code now}; else returns -1 - (nanos until it is, or an idle rest). */
        synchronized long takeDue(AtomicLongArray lastBeat, long now, long interval) {
            if (queued == 0) {
                return -1 - IDLE_NANOS;
            }
            int index = ring[head];
            long wait = lastBeat.get(index) + interval - now;
            if (wait > 0) {
                return -1 - wait;
            }
            head = (head + 1) % ring.length;
            queued--;
            return index;
        }
    }

    private void walk(Worker w, int walker) {
        while (!stopping) {
            long interval = intervalNanos.getAsLong();
            long now = System.nanoTime();
            long taken = interval <= 0 ? -1 - IDLE_NANOS : line.takeDue(lastBeat, now, interval);
            if (taken < 0) {
                lateNanos.set(walker, 0);
                idleLooks.incrementAndGet();
                pause(Math.min(-1 - taken, IDLE_NANOS));
                continue;
            }
            int i = (int) taken;
            lateNanos.set(walker, Math.max(0, now - (lastBeat.get(i) + interval)));
            w.reopenIfIdleFor(STALE_NANOS); // the first heartbeat comes one interval (80 s) after the connection opened
            int status = w.call("POST", heartbeatPaths[i], null, null);
            if (Worker.ok(status)) {
                w.completed();
                lastBeat.set(i, System.nanoTime());
                line.add(i);
            } else if (status == Worker.IO_ERROR) {
                line.add(i); // still due: tried again when its turn comes round (the worker reconnects)
            } else {
                lastBeat.set(i, GONE); // the session lapsed or was ended: nothing left to keep
            }
        }
    }

    /** Times a walker found nothing due, and the rests the walkers took (tests: no walker spins). */
    long idleLooks() {
        return idleLooks.get();
    }

    long pauses() {
        return pauses.get();
    }

    private void pause(long nanos) {
        pauses.incrementAndGet();
        try {
            Thread.sleep(Duration.ofNanos(Math.max(1, nanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the walkers and returns what they did: every heartbeat sent, and each one that failed as an error. */
    PhaseResult stop() {
        return stop("keep", "keep created sessions alive (heartbeats)");
    }

    /** The same, the result under the given phase key and title. */
    PhaseResult stop(String key, String title) {
        if (stopping) {
            return stopped;
        }
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
        stopped = PhaseResult.of(key, title, "req/s", seconds, workers, complete);
        return stopped;
    }

    @Override
    public void close() {
        stop();
    }
}
