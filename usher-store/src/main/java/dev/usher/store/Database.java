package dev.usher.store;

import org.jdbi.v3.core.Handle;

import java.util.function.Function;

/**
 * A database as the repositories see it: writes are transactions that are durable when
 * {@link #write} returns; reads see only committed data.
 */
public interface Database extends AutoCloseable {

    /** A unit of work run inside a write transaction. */
    @FunctionalInterface
    interface Work<T> {
        T apply(Handle handle, AfterCommit afterCommit);
    }

    /** Actions to run once the transaction is durable, in order, before any later write is decided. */
    interface AfterCommit {
        void then(Runnable action);
    }

    <T> T write(Work<T> work);

    /**
     * What a seat decision will lock ({@link Dialect#lockSessions}, {@link Dialect#lockPools}), declared
     * before it runs so that a store grouping several decisions in one transaction can take all their
     * locks up front, in the one global order.
     */
    record Locks(java.util.Collection<String> sessionIds, java.util.Collection<dev.usher.core.seat.PoolKey> pools) {}

    /**
     * A write that may share its transaction with other such writes (group commit): it is answered,
     * like {@link #write}, only after a COMMIT that holds it. {@code locks} names what the work will lock;
     * the work may still lock more, which a grouping store may refuse inside a group (it then runs the
     * work in a transaction of its own). The default is a transaction of its own.
     */
    default <T> T writeGrouped(Locks locks, Work<T> work) {
        return write(work);
    }

    /**
     * Decisions of one kind that a grouping store may decide together: with one read for all of them
     * (after the group's locks), each decided in memory in order against what the earlier ones changed,
     * and all their writes in one go. An input it cannot decide that way (anything unusual) it leaves
     * {@link #UNDECIDED}: that one's own {@link Work} then runs after the others, in the same transaction.
     */
    interface Batch<I> {
        /** The answer "run this input's own work". */
        Object UNDECIDED = new Object() {
            @Override
            public String toString() {
                return "UNDECIDED";
            }
        };

        /**
         * Decides {@code inputs} in order inside the group's transaction; returns one result per input, or
         * {@link #UNDECIDED}. A failure (thrown) leaves nothing decided: the store undoes the transaction.
         */
        Object[] decide(Handle handle, java.util.List<I> inputs, java.util.List<AfterCommit> afterCommits);
    }

    /**
     * {@link #writeGrouped(Locks, Work)}, where {@code batch} may decide {@code input} together with other
     * inputs of the same batch in the group instead of running {@code work}; the result must be the same.
     */
    default <I, T> T writeGrouped(Locks locks, Work<T> work, Batch<I> batch, I input) {
        return writeGrouped(locks, work);
    }

    <T> T read(Function<Handle, T> query);

    /**
     * Writes a consistent copy of the whole database to {@code target} (which must not exist yet)
     * while the server keeps serving. Embedded stores only: a shared PostgreSQL is backed up with
     * its own tools ({@code pg_dump}).
     */
    default void backupTo(java.nio.file.Path target) {
        throw new UnsupportedOperationException("this store is backed up with its own tools (PostgreSQL: pg_dump)");
    }

    /** True when the database answers a trivial query (for readiness checks). */
    default boolean isReachable() {
        try {
            return read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Why the schema is not the one this build migrated to at start (a pending migration, or the file
     * replaced by an older or newer one while running), or empty when it is (for readiness checks).
     */
    default java.util.Optional<String> schemaProblem() {
        return java.util.Optional.empty();
    }

    /** Publishes the read pool's numbers (connections active, idle, pending) through {@code factory}. */
    default void trackReadPool(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
    }

    /** How transactions serialize decisions on this engine. */
    default Dialect dialect() {
        return Dialect.SINGLE_WRITER;
    }

    @Override
    void close();
}
