package dev.usher.store.postgresql;

import dev.usher.core.seat.PoolKey;
import dev.usher.store.Database;
import dev.usher.store.StoreException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * Group commit for seat decisions on PostgreSQL, one writer per node.
 *
 * <p>A pool's decisions are serialized cluster-wide by its advisory lock, and a transaction lock
 * is held until COMMIT has flushed the WAL. One decision per transaction therefore means one WAL
 * flush (and one lock hand-over between nodes) per decision. Here the decisions waiting on this
 * node run in one transaction instead: the writer takes the locks all of them declared up front,
 * in the global order (sessions, then pools, each sorted; the same order every other transaction
 * takes them in), then runs them one after another, and answers every caller only after the
 * COMMIT. When a decision fails, the group is rolled back and run again with each decision in a
 * SAVEPOINT, so that the failing one is undone alone. A decision that needs a lock it did not declare gets it only
 * if it is free at once (never waiting while holding the group's locks, which is what keeps groups
 * of two nodes from deadlocking); otherwise, and after any database error inside a decision, that
 * decision is undone and run again in a transaction of its own through {@link PostgresDatabase#write},
 * which waits for its locks and retries lost races as before.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_GROUP = 128;

    /** The answer "run this decision in a transaction of its own". */
    private static final Object ALONE = new Object();

    /** One decision; {@code batch} (or null) may decide {@code input} together with the group's other inputs of it. */
    private record Task<T>(Database.Locks locks, Database.Work<T> work, Database.Batch<Object> batch, Object input,
                           CompletableFuture<Object> result, List<Runnable> afterCommit) {}

    private static final Task<Void> STOP = new Task<>(null, (h, a) -> null, null, null, new CompletableFuture<>(), List.of());

    /** The locks the group being run holds, and the handle it runs on. */
    record Held(Handle handle, Set<String> sessions, Set<PoolKey> pools) {}

    /** Thrown by the dialect inside a group for a lock it does not hold and cannot take at once. */
    static final class NotHeld extends RuntimeException {
        NotHeld(String what) {
            super("lock not held by the group: " + what, null, false, false);
        }
    }

    private final Supplier<Handle> connections;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Held current;
    private final java.util.concurrent.atomic.AtomicLong groupsCommitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong decisionsCommitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong batchedCommitted = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong regrouped = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicInteger largestGroup = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong lockNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong workNanos = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong commitNanos = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;

    GroupCommit(Supplier<Handle> connections) {
        this.connections = connections;
        this.thread = Thread.ofPlatform().name("usher-pg-group-writer").daemon(true).unstarted(this::loop);
        this.thread.start();
    }

    /** The group's locks when {@code h} is the handle a group is running on, else null. */
    Held heldOn(Handle h) {
        Held c = current;
        return c != null && c.handle() == h ? c : null;
    }

    /**
     * Runs {@code work} in the next group; {@code alone} runs it in a transaction of its own when the
     * group cannot (an undeclared lock was busy, or the database refused something inside it).
     */
    <T> T submit(Database.Locks locks, Database.Work<T> work, Supplier<T> alone) {
        return submit(locks, work, null, null, alone);
    }

    /** As {@link #submit(Database.Locks, Database.Work, Supplier)}, decided by {@code batch} when it can. */
    @SuppressWarnings("unchecked")
    <I, T> T submit(Database.Locks locks, Database.Work<T> work, Database.Batch<I> batch, I input, Supplier<T> alone) {
        if (closed) {
            return alone.get();
        }
        Task<T> task = new Task<>(locks, work, (Database.Batch<Object>) batch, input, new CompletableFuture<>(), new ArrayList<>(2));
        queue.add(task);
        Object r;
        try {
            while (true) {
                try {
                    r = task.result().get(1, java.util.concurrent.TimeUnit.SECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    // Queued just as the store closed, after the writer's last look: nobody will run it there.
                    if (!thread.isAlive() && queue.remove(task)) {
                        return alone.get();
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new StoreException("write failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", e);
        }
        return r == ALONE ? alone.get() : (T) r;
    }

    private void loop() {
        List<Task<?>> group = new ArrayList<>(MAX_GROUP);
        while (true) {
            group.clear();
            try {
                group.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, via STOP, so queued work is never dropped
            }
            queue.drainTo(group, MAX_GROUP - 1);
            boolean stop = group.remove(STOP);
            // In session order: a decision writes its session's row, and the lease writer updates session
            // rows in that order too, so the two never wait for each other in a circle.
            group.sort(java.util.Comparator.comparing(t -> t.locks().sessionIds().stream().min(String::compareTo).orElse("")));
            if (!group.isEmpty()) {
                try {
                    run(group);
                } catch (RuntimeException | Error e) {
                    LOG.error("group commit failed unexpectedly", e);
                    group.forEach(t -> t.result().completeExceptionally(e));
                }
            }
            if (stop) {
                // Work queued behind STOP still gets an answer: each runs on its own.
                List<Task<?>> rest = new ArrayList<>();
                queue.drainTo(rest);
                rest.forEach(t -> t.result().complete(ALONE));
                return;
            }
        }
    }

    /**
     * Runs the group without savepoints first: decisions that fail are rare (a refusal is an answer,
     * not a failure), and a savepoint costs a round trip while the pool is locked. When one does fail,
     * the whole transaction is rolled back and the group runs again with a savepoint per decision.
     */
    private void run(List<Task<?>> group) {
        if (group.size() == 1 || !run(group, false)) {
            if (group.size() > 1) {
                regrouped.incrementAndGet();
            }
            run(group, true);
        }
    }

    /** Returns false (having rolled back and stored nothing) when a decision failed and savepoints were off. */
    private boolean run(List<Task<?>> group, boolean savepoints) {
        Object[] results = new Object[group.size()];
        Throwable[] failures = new Throwable[group.size()];
        group.forEach(t -> t.afterCommit().clear());
        Set<String> sessions = new TreeSet<>();
        Set<PoolKey> pools = new TreeSet<>();
        for (Task<?> t : group) {
            sessions.addAll(t.locks().sessionIds());
            pools.addAll(t.locks().pools());
        }
        // Alone, a decision needs no savepoint: its failure simply rolls the transaction back.
        savepoints &= group.size() > 1;
        boolean committing = false;
        boolean retry = false;
        int batched = 0;
        boolean batchFailed = false;
        long t0 = System.nanoTime();
        long t1 = t0;
        long t2 = t0;
        try (Handle h = connections.get()) {
            try {
                h.begin();
                PostgresDatabase.lockAll(h, sessions, pools.stream().map(PostgresDatabase::poolLockKey).toList());
                t1 = System.nanoTime();
                current = new Held(h, sessions, pools);
                boolean[] decided = new boolean[group.size()];
                if (!savepoints) {
                    // Batches first: they read everything once and write once; what they leave undecided runs
                    // after them, one by one, on what they wrote (as if it had come later).
                    try {
                        batched = decideBatches(h, group, results, decided);
                    } catch (RuntimeException | Error e) {
                        batchFailed = true;
                        if (group.size() > 1) {
                            retry = true; // again with a savepoint per decision, each on its own work
                        } else {
                            results[0] = ALONE;
                        }
                        LOG.debug("batch of decisions failed ({}); deciding them one by one", PostgresDatabase.rootMessage(e));
                    }
                }
                boolean open = false; // the previous decision's savepoint is still open
                for (int i = 0; i < group.size() && !batchFailed; i++) {
                    Task<?> t = group.get(i);
                    if (decided[i]) {
                        continue;
                    }
                    if (savepoints) {
                        // One round trip: close the previous decision's savepoint and open this one's.
                        h.execute(open ? "RELEASE SAVEPOINT d; SAVEPOINT d" : "SAVEPOINT d");
                        open = true;
                    }
                    try {
                        results[i] = t.work().apply(h, t.afterCommit()::add);
                    } catch (RuntimeException | Error e) {
                        if (savepoints) {
                            h.execute("ROLLBACK TO SAVEPOINT d");
                        }
                        t.afterCommit().clear();
                        // The work's own decision (unknown user, conflict, ...) is its answer; a lock it
                        // could not take here, or a race the database caught, is tried again on its own.
                        boolean own = !(e instanceof NotHeld) && PostgresDatabase.sqlCause(e) == null;
                        if (!savepoints && group.size() > 1) {
                            retry = true;
                            break;
                        }
                        if (own) {
                            failures[i] = e;
                        } else {
                            results[i] = ALONE;
                        }
                    }
                }
                current = null;
                t2 = System.nanoTime();
                if (retry) {
                    h.rollback();
                    return false;
                }
                if (!savepoints && (failures[0] != null || results[0] == ALONE)) {
                    h.rollback(); // nothing of a failed lone decision may stay
                } else {
                    if (open) {
                        h.execute("RELEASE SAVEPOINT d");
                    }
                    committing = true;
                    h.commit();
                }
            } catch (RuntimeException | Error e) {
                current = null;
                try {
                    h.rollback();
                } catch (RuntimeException ignored) {
                    // the connection may be gone; the original failure is what callers need
                }
                throw e;
            }
        } catch (RuntimeException e) {
            if (committing) {
                // The COMMIT itself failed: whether it was stored is unknown, so nobody is told it was.
                StoreException failure = new StoreException("the database could not save the change: "
                        + PostgresDatabase.rootMessage(e), e);
                group.forEach(t -> t.result().completeExceptionally(failure));
            } else {
                // Nothing was stored: each decision runs again on its own (which retries or reports).
                LOG.debug("group of {} not run ({}); running each on its own", group.size(), PostgresDatabase.rootMessage(e));
                group.forEach(t -> t.result().complete(ALONE));
            }
            return true;
        }
        if (committing) {
            long t3 = System.nanoTime();
            lockNanos.addAndGet(t1 - t0);
            workNanos.addAndGet(t2 - t1);
            commitNanos.addAndGet(t3 - t2);
            groupsCommitted.incrementAndGet();
            decisionsCommitted.addAndGet(group.size());
            batchedCommitted.addAndGet(batched);
            largestGroup.accumulateAndGet(group.size(), Math::max);
        }
        for (int i = 0; i < group.size(); i++) {
            Task<?> t = group.get(i);
            if (failures[i] != null) {
                t.result().completeExceptionally(failures[i]);
                continue;
            }
            if (results[i] != ALONE) {
                for (Runnable r : t.afterCommit()) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.error("after-commit action failed", e);
                    }
                }
            }
            t.result().complete(results[i]);
        }
        return true;
    }

    /**
     * Hands each batch its inputs (in the group's order) and marks what it decided; returns how many.
     * A task is decided only if its batch returned something other than {@link Database.Batch#UNDECIDED}.
     */
    private static int decideBatches(Handle h, List<Task<?>> group, Object[] results, boolean[] decided) {
        java.util.Map<Database.Batch<Object>, List<Integer>> byBatch = new java.util.IdentityHashMap<>();
        for (int i = 0; i < group.size(); i++) {
            if (group.get(i).batch() != null) {
                byBatch.computeIfAbsent(group.get(i).batch(), b -> new ArrayList<>()).add(i);
            }
        }
        int n = 0;
        for (var e : byBatch.entrySet()) {
            List<Integer> at = e.getValue();
            List<Object> inputs = at.stream().map(i -> group.get(i).input()).toList();
            List<Database.AfterCommit> afters = at.stream().map(i -> (Database.AfterCommit) group.get(i).afterCommit()::add).toList();
            Object[] out = e.getKey().decide(h, inputs, afters);
            if (out.length != at.size()) {
                throw new IllegalStateException("a batch answered " + out.length + " of " + at.size() + " decisions");
            }
            for (int j = 0; j < out.length; j++) {
                if (out[j] != Database.Batch.UNDECIDED) {
                    results[at.get(j)] = out[j];
                    decided[at.get(j)] = true;
                    n++;
                }
            }
        }
        return n;
    }

    /**
     * How grouping went so far: transactions committed, decisions in them (failed ones included), the largest
     * group, how many decisions a batch decided (one read and one write for many), and how many groups had to
     * run again with a savepoint per decision (a decision failed, or a batch's writes found rows changed).
     */
    record Stats(long groups, long decisions, int largest, long lockMillis, long workMillis, long commitMillis, long batched,
                 long regrouped) {}

    Stats stats() {
        return new Stats(groupsCommitted.get(), decisionsCommitted.get(), largestGroup.get(),
                lockNanos.get() / 1_000_000, workNanos.get() / 1_000_000, commitNanos.get() / 1_000_000, batchedCommitted.get(),
                regrouped.get());
    }

    /** Decisions waiting for the next group (tests use it to know a group is complete). */
    int waiting() {
        return queue.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Stats s = stats();
        if (s.groups() > 0) {
            // Where a group's time goes: waiting for its locks (another node's group), running its decisions
            // (round trips, the pool locked), and COMMIT (the WAL flush).
            LOG.info("group commit: {} seat decisions in {} transactions (largest group {}, {} decided in batches, {} run again one by one); ms waiting for locks {}, deciding {}, committing {}",
                    s.decisions(), s.groups(), s.largest(), s.batched(), s.regrouped(), s.lockMillis(), s.workMillis(), s.commitMillis());
        }
    }
}
