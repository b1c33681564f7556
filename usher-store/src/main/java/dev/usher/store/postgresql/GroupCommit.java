package dev.usher.store.postgresql;

import dev.usher.core.seat.PoolKey;
import dev.usher.store.Database;
import dev.usher.store.StoreException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Group commit for seat decisions on PostgreSQL, one writer per node.
 *
 * <p>A pool's decisions are serialized cluster-wide by its advisory lock, and a transaction lock is
 * held until COMMIT has flushed the WAL. One decision per transaction would therefore mean one WAL
 * flush (and one lock hand-over between nodes) per decision. Here the decisions waiting on this node
 * run in one transaction instead: the writer takes the locks all of them declared, in the global order
 * (sessions, then pools, each sorted; the order every other transaction takes them in), hands them to
 * their {@link Database.Group} in one call, and answers every caller only after the COMMIT. A group that
 * reads first takes those locks with its first read, and sends the COMMIT with its write: two round
 * trips while it holds them, for any number of decisions ({@link Held}). A lock the
 * group finds it needs beyond those is taken only if it is free at once (never waiting while holding
 * the group's locks, which is what keeps two nodes' groups from deadlocking); otherwise the group is
 * rolled back and runs again holding those locks too from its first statement (still in the global
 * order). Ending a session is the common case: the node cannot know the session's pools before it reads
 * its rows, and with two nodes the pool is rarely free at once. Running each such decision on its own
 * instead made every one of them wait for the pool in turn (about 100 ends per second, where a group
 * ends hundreds in one transaction). After {@link #MAX_ATTEMPTS} attempts, and after any other failure
 * before the COMMIT, the group is rolled back and each decision runs on its own ({@code alone}).
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    private static final int MAX_GROUP = 128;
    /** Runs of one group, each holding more locks than the one before (a group's rows can change between them). */
    private static final int MAX_ATTEMPTS = 3;

    /** The answer "run this decision on its own". */
    private static final Object ALONE = new Object();

    private record Task(Database.Locks locks, Database.Group<Object, Object> group, Object input, CompletableFuture<Object> result,
                        List<Runnable> afterCommit) {}

    private static final Task STOP = new Task(null, null, null, new CompletableFuture<>(), List.of());

    /**
     * The locks the group being run holds, the handle it runs on, and what it did with them so far. Only the
     * writer thread reads or changes it (the dialect is called from the group's run).
     */
    static final class Held {
        final Handle handle;
        final Set<String> sessions;
        final Set<PoolKey> pools;
        /** Not taken yet: the group's first read takes them ({@link dev.usher.store.Dialect#locksToTakeWithFirstRead}). */
        boolean locksPending;
        /** One group in the transaction: its write may end with the COMMIT. */
        final boolean mayCommitWithWrite;
        /** The COMMIT went with the group's write (so a lost connection after it leaves the outcome unknown). */
        boolean commitSent;
        /** How long the database waited for the locks taken with the first read, in microseconds. */
        long lockWaitMicros;

        Held(Handle handle, Set<String> sessions, Set<PoolKey> pools, boolean locksPending, boolean mayCommitWithWrite) {
            this.handle = handle;
            this.sessions = sessions;
            this.pools = pools;
            this.locksPending = locksPending;
            this.mayCommitWithWrite = mayCommitWithWrite;
        }
    }

    /**
     * Thrown by the dialect inside a group for locks it does not hold and cannot take at once: every lock of the
     * request that it did not hold, so that the group's next attempt can hold them all from the start.
     */
    static final class NotHeld extends RuntimeException {
        final Set<String> sessions;
        final Set<PoolKey> pools;

        NotHeld(Set<String> sessions, Set<PoolKey> pools) {
            super("locks not held by the group: sessions " + sessions + ", pools " + pools, null, false, false);
            this.sessions = sessions;
            this.pools = pools;
        }
    }

    private final Supplier<Handle> connections;
    private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile Held current;
    private final AtomicLong groupsCommitted = new AtomicLong();
    private final AtomicLong decisionsCommitted = new AtomicLong();
    private final AtomicLong regrouped = new AtomicLong();
    private final AtomicLong relocked = new AtomicLong();
    private final AtomicInteger largestGroup = new AtomicInteger();
    private final AtomicLong lockNanos = new AtomicLong();
    private final AtomicLong workNanos = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final AtomicLong committedWithWrite = new AtomicLong();
    private volatile boolean closed;

    GroupCommit(Supplier<Handle> connections) {
        this.connections = connections;
        this.thread = Thread.ofPlatform().name("usher-pg-group-writer").daemon(true).unstarted(this::loop);
        this.thread.start();
    }

    /** The group's locks when {@code h} is the handle a group is running on, else null. */
    Held heldOn(Handle h) {
        Held c = current;
        return c != null && c.handle == h ? c : null;
    }

    @SuppressWarnings("unchecked")
    <I, O> O submit(Database.Locks locks, Database.Group<I, O> group, I input, Supplier<O> alone) {
        if (closed) {
            return alone.get();
        }
        Task task = new Task(locks, (Database.Group<Object, Object>) group, input, new CompletableFuture<>(), new ArrayList<>(2));
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
        return r == ALONE ? alone.get() : (O) r;
    }

    private void loop() {
        List<Task> group = new ArrayList<>(MAX_GROUP);
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
                List<Task> rest = new ArrayList<>();
                queue.drainTo(rest);
                rest.forEach(t -> t.result().complete(ALONE));
                return;
            }
        }
    }

    private void run(List<Task> tasks) {
        Map<Database.Group<Object, Object>, List<Task>> groups = new LinkedHashMap<>();
        Set<String> sessions = new TreeSet<>();
        Set<PoolKey> pools = new TreeSet<>();
        for (Task t : tasks) {
            groups.computeIfAbsent(t.group(), g -> new ArrayList<>()).add(t);
            sessions.addAll(t.locks().sessionIds());
            pools.addAll(t.locks().pools());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                run(tasks, groups, sessions, pools, attempt < MAX_ATTEMPTS);
                return;
            } catch (NotHeld more) {
                relocked.incrementAndGet();
                sessions.addAll(more.sessions);
                pools.addAll(more.pools);
            }
        }
    }

    /** One attempt; throws {@link NotHeld} (nothing stored, nobody answered) when {@code mayRelock} and locks were missing. */
    private void run(List<Task> tasks, Map<Database.Group<Object, Object>, List<Task>> groups, Set<String> sessions, Set<PoolKey> pools,
                     boolean mayRelock) {
        boolean committing = false;
        long t0 = System.nanoTime();
        long t1 = t0;
        long t2 = t0;
        Map<Task, Object> results = new java.util.IdentityHashMap<>();
        Held held = null;
        try (Handle h = connections.get()) {
            try {
                h.begin();
                // A group whose first statement is a read takes its locks with that read: one round trip less
                // while they are held (and so one less for the other nodes' groups waiting for them).
                boolean withFirstRead = groups.keySet().stream().allMatch(Database.Group::takesLocksWithFirstRead);
                if (!withFirstRead) {
                    AdvisoryLocks.lockAll(h, sessions, pools.stream().map(AdvisoryLocks::poolLockKey).toList());
                }
                t1 = System.nanoTime();
                held = new Held(h, sessions, pools, withFirstRead, groups.size() == 1);
                current = held;
                for (var g : groups.entrySet()) {
                    List<Task> in = g.getValue();
                    List<Object> out = g.getKey().run(h, in.stream().map(Task::input).toList(),
                            in.stream().map(t -> (Database.AfterCommit) t.afterCommit()::add).toList());
                    for (int i = 0; i < in.size(); i++) {
                        results.put(in.get(i), out.get(i));
                    }
                }
                current = null;
                if (held.locksPending) {
                    throw new IllegalStateException("a group that takes its locks with its first read read nothing");
                }
                t2 = System.nanoTime();
                committing = true;
                h.commit(); // nothing to send when the COMMIT went with the write (the driver knows the transaction ended)
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
            groups.keySet().forEach(Database.Group::rolledBack);
            tasks.forEach(t -> t.afterCommit().clear());
            if (e instanceof NotHeld && mayRelock) {
                throw e;
            }
            if (committing || held != null && held.commitSent && outcomeUnknown(e)) {
                // The COMMIT itself failed: whether it was stored is unknown, so nobody is told it was.
                StoreException failure = new StoreException("the database could not save the change: "
                        + PostgresDatabase.rootMessage(e), e);
                tasks.forEach(t -> t.result().completeExceptionally(failure));
            } else {
                // Nothing was stored: each decision runs again on its own (which waits for its locks, or reports).
                regrouped.incrementAndGet();
                LOG.debug("group of {} not run ({}); running each on its own", tasks.size(), PostgresDatabase.rootMessage(e));
                tasks.forEach(t -> t.result().complete(ALONE));
            }
            return;
        }
        groups.keySet().forEach(Database.Group::committed);
        long t3 = System.nanoTime();
        // Locks taken with the first read were waited for inside it: the database measured that wait.
        long waited = held.lockWaitMicros * 1_000;
        lockNanos.addAndGet(t1 - t0 + waited);
        workNanos.addAndGet(t2 - t1 - waited);
        commitNanos.addAndGet(t3 - t2);
        if (held.commitSent) {
            committedWithWrite.incrementAndGet();
        }
        groupsCommitted.incrementAndGet();
        decisionsCommitted.addAndGet(tasks.size());
        largestGroup.accumulateAndGet(tasks.size(), Math::max);
        for (Task t : tasks) {
            for (Runnable r : t.afterCommit()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("after-commit action failed", e);
                }
            }
            t.result().complete(results.get(t));
        }
    }

    /**
     * Whether a failure of a write that carried the COMMIT leaves it unknown if the COMMIT happened: yes unless the
     * database itself answered with an error (it then rolled the whole transaction back; a lost connection, class 08,
     * or no SQL state at all, means the answer never came).
     */
    static boolean outcomeUnknown(RuntimeException e) {
        java.sql.SQLException sql = PostgresDatabase.sqlCause(e);
        String state = sql == null ? null : sql.getSQLState();
        return state == null || state.startsWith("08");
    }

    /**
     * How grouping went so far: transactions committed, decisions in them, the largest group, where the
     * time went, how many groups were rolled back to run each decision on its own, and how many attempts were rolled
     * back to run the group again holding more locks.
     */
    record Stats(long groups, long decisions, int largest, long lockMillis, long workMillis, long commitMillis, long regrouped,
                 long relocked, long committedWithWrite) {}

    Stats stats() {
        return new Stats(groupsCommitted.get(), decisionsCommitted.get(), largestGroup.get(),
                lockNanos.get() / 1_000_000, workNanos.get() / 1_000_000, commitNanos.get() / 1_000_000, regrouped.get(),
                relocked.get(), committedWithWrite.get());
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
            // Where a group's time goes: waiting for its locks (another node's group), deciding (loading and
            // writing: round trips with the pools locked; with the COMMIT, the WAL flush, when it went with the write),
            // and a COMMIT sent on its own.
            LOG.info("group commit: {} seat decisions in {} transactions (largest group {}, {} run again one by one, {} again with more"
                            + " locks, {} committed with their write); ms waiting for locks {}, deciding {}, committing {}", s.decisions(),
                    s.groups(), s.largest(), s.regrouped(), s.relocked(), s.committedWithWrite(), s.lockMillis(), s.workMillis(),
                    s.commitMillis());
        }
    }
}
