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

    <T> T read(Function<Handle, T> query);

    /** True when the database answers a trivial query (for readiness checks). */
    boolean isReachable();

    /** True when the schema has every migration this build knows (for readiness checks). */
    default boolean migrationsCurrent() {
        return true;
    }

    /** How transactions serialize decisions on this engine. */
    default Dialect dialect() {
        return Dialect.SINGLE_WRITER;
    }

    @Override
    void close();
}
