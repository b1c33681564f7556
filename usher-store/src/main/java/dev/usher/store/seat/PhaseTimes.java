package dev.usher.store.seat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Where a shared group's time goes while it holds its pools' locks, phase by phase: wall time and the thread's own CPU
 * time. The difference is time the thread waited: for the database (a round trip, its work, the WAL flush) or for a core.
 * On a machine whose cores are busy, a lock holder waiting for a core makes every other node wait too, which only the
 * two numbers side by side show.
 */
final class PhaseTimes {

    enum Phase { READING, DECIDING, WRITING }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU = THREADS.isCurrentThreadCpuTimeSupported();

    /** Per phase: wall nanos, then CPU nanos. */
    private final AtomicLongArray nanos = new AtomicLongArray(Phase.values().length * 2);

    /** A running measurement on one thread. */
    final class Clock {
        private long wall = System.nanoTime();
        private long cpu = cpuNow();

        /** Ends {@code phase} now; the next one starts. */
        void end(Phase phase) {
            long w = System.nanoTime();
            long c = cpuNow();
            nanos.addAndGet(phase.ordinal() * 2, w - wall);
            nanos.addAndGet(phase.ordinal() * 2 + 1, c - cpu);
            wall = w;
            cpu = c;
        }
    }

    Clock start() {
        return new Clock();
    }

    private static long cpuNow() {
        return CPU ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    long wallMillis(Phase p) {
        return nanos.get(p.ordinal() * 2) / 1_000_000;
    }

    long cpuMillis(Phase p) {
        return nanos.get(p.ordinal() * 2 + 1) / 1_000_000;
    }

    /** "reading W ms (CPU C), deciding …, writing …". */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Phase p : Phase.values()) {
            s.append(s.isEmpty() ? "" : ", ").append(p.name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(wallMillis(p))
                    .append(" ms (CPU ").append(cpuMillis(p)).append(')');
        }
        return s.toString();
    }
}
