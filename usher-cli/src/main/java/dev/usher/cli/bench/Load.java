package dev.usher.cli.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * Runs a phase on a fixed pool of connections, one thread per connection, each sending its next
 * request as soon as the previous answer is read (closed loop: the offered load adapts to the
 * server, and latency is what a client with one request in flight per connection sees).
 */
final class Load {

    /** One unit of work of one worker: one or more calls, then {@link Worker#completed()} when it succeeded. */
    interface Step {
        void run(Worker w, long iteration);
    }

    /** The work of one index of a counted phase (each index runs exactly once, on any worker). */
    interface IndexedStep {
        void run(Worker w, int index);
    }

    private static final Duration GIVE_WAY_PAUSE = Duration.ofMillis(5);

    private final List<Target> targets;
    private final int timeoutMillis;
    private final ThreadFactory threads;

    Load(Target target, int timeoutMillis, boolean platformThreads) {
        this(List.of(target), timeoutMillis, platformThreads);
    }

    /** Connections spread round-robin over several nodes of one cluster. */
    Load(List<Target> targets, int timeoutMillis, boolean platformThreads) {
        this.targets = List.copyOf(targets);
        this.timeoutMillis = timeoutMillis;
        this.threads = platformThreads ? Thread.ofPlatform().name("bench-", 0).daemon(true).factory()
                : Thread.ofVirtual().name("bench-", 0).factory();
    }

    /**
     * Every worker repeats its step until {@code warmup + duration} has passed; only what completes
     * in the last {@code duration} is measured.
     */
    PhaseResult timed(String key, String title, String unit, int connections, Duration warmup, Duration duration,
                      IntFunction<Step> stepOfWorker) {
        List<Worker> workers = workers(connections);
        long start = System.nanoTime();
        long windowStart = start + warmup.toNanos();
        long windowEnd = windowStart + duration.toNanos();
        List<Thread> running = new ArrayList<>(connections);
        for (Worker w : workers) {
            w.window(windowStart, windowEnd);
            Step step = stepOfWorker.apply(w.id);
            running.add(threads.newThread(() -> {
                long i = 0;
                while (System.nanoTime() < windowEnd && !Thread.currentThread().isInterrupted()) {
                    step.run(w, i++);
                }
            }));
        }
        running.forEach(Thread::start);
        boolean complete = join(running, workers, windowEnd);
        workers.forEach(Worker::close);
        return PhaseResult.of(key, title, unit, duration.toNanos() / 1e9, workers, complete);
    }

    /**
     * Runs {@code count} indexed steps spread over the workers, each index once, until all are done
     * or {@code limit} has passed. The window is the whole phase; the rate is over its real length.
     */
    PhaseResult counted(String key, String title, String unit, int connections, int count, Duration limit,
                        IndexedStep step) {
        return counted(key, title, unit, connections, count, limit, () -> false, step);
    }

    /**
     * The same, holding every worker back before its next step while {@code giveWay} says so (checked every few
     * milliseconds until the limit): the work it gives way to comes first, and this phase takes what is left.
     */
    PhaseResult counted(String key, String title, String unit, int connections, int count, Duration limit,
                        BooleanSupplier giveWay, IndexedStep step) {
        List<Worker> workers = workers(Math.max(1, Math.min(connections, count)));
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        List<Thread> running = new ArrayList<>(workers.size());
        for (Worker w : workers) {
            w.window(start, Long.MAX_VALUE);
            running.add(threads.newThread(() -> {
                int i;
                while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()
                        && (i = next.getAndIncrement()) < count) {
                    while (giveWay.getAsBoolean() && System.nanoTime() < deadline) {
                        try {
                            Thread.sleep(GIVE_WAY_PAUSE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    step.run(w, i);
                }
            }));
        }
        running.forEach(Thread::start);
        boolean joined = join(running, workers, deadline);
        double seconds = (System.nanoTime() - start) / 1e9;
        workers.forEach(Worker::close);
        // complete: every index was attempted in time (failed ones are reported as errors)
        return PhaseResult.of(key, title, unit, seconds, workers, joined && next.get() >= count);
    }

    /** Starts heartbeating the given sessions as they are created, on its own connections (see {@link SessionKeeper}). */
    SessionKeeper keeper(String[] heartbeatPaths, int connections, java.util.function.LongSupplier intervalNanos) {
        return new SessionKeeper(heartbeatPaths, targets.stream().map(Target::address).toList(), connections, timeoutMillis,
                threads, intervalNanos, SessionKeeper.LATE_LIMIT_NANOS);
    }

    private List<Worker> workers(int n) {
        List<Worker> workers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Worker w = new Worker(i, targets.get(i % targets.size()).address(), timeoutMillis);
            w.connect(); // one after the other, before the clock starts
            workers.add(w);
        }
        return workers;
    }

    /** Waits for the workers; a request in flight at the end gets its timeout, then is cut off. */
    private boolean join(List<Thread> running, List<Worker> workers, long endNanos) {
        long hardStop = endNanos + Duration.ofMillis(timeoutMillis + 1000L).toNanos();
        boolean all = true;
        for (Thread t : running) {
            try {
                long left = Math.max(1, (hardStop - System.nanoTime()) / 1_000_000);
                if (!t.join(Duration.ofMillis(left))) {
                    all = false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all = false;
                break;
            }
        }
        if (!all) {
            running.forEach(Thread::interrupt);
            workers.forEach(Worker::close);
            for (Thread t : running) {
                try {
                    t.join(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return all;
    }
}
