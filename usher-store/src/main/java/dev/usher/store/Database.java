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
     * What a group of decisions locks (a shared store serializes decisions on these: {@link Dialect#lockSessions},
     * {@link Dialect#lockPools}), declared before it runs so that a store grouping several in one transaction
     * can take them all up front, in the one global order.
     */
    record Locks(java.util.Collection<String> sessionIds, java.util.Collection<dev.usher.core.seat.PoolKey> pools) {
        public static final Locks NONE = new Locks(java.util.List.of(), java.util.List.of());
    }

    /**
     * Decisions a store runs together in one transaction (group commit): whatever waits when the writer is
     * free is handed to {@link #run} at once, and each caller is answered only after the COMMIT that holds
     * its decision.
     */
    interface Group<I, O> {
        /**
         * Decides {@code inputs} in order inside the transaction and writes what they change; one result per
         * input. A failure (thrown) leaves nothing of the group: the store rolls back, calls
         * {@link #rolledBack}, and runs each input again in a transaction of its own.
         */
        java.util.List<O> run(Handle handle, java.util.List<I> inputs, java.util.List<AfterCommit> afterCommits);

        /**
         * True when {@link #run}'s first statement is a read that takes the group's locks on the way
         * ({@link Dialect#locksToTakeWithFirstRead}); the store then does not take them in a round trip of their own.
         */
        default boolean takesLocksWithFirstRead() {
            return false;
        }

        /** The transaction {@link #run} wrote in is durable: keep what it changed outside the database. */
        default void committed() {
        }

        /** The transaction {@link #run} wrote in was rolled back: take back what it changed outside the database. */
        default void rolledBack() {
        }
    }

    /**
     * Runs {@code input} in the next group of {@code group} (answered after its COMMIT). {@code alone} is
     * what to do when the group cannot take it (a shared store: a lock it needed was busy).
     */
    default <I, O> O writeGrouped(Locks locks, Group<I, O> group, I input, java.util.function.Supplier<O> alone) {
        try {
            O result = write((h, after) -> group.run(h, java.util.List.of(input), java.util.List.of(after)).getFirst());
            group.committed();
            return result;
        } catch (RuntimeException | Error e) {
            group.rolledBack();
            throw e;
        }
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
