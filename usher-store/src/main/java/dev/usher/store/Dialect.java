package dev.usher.store;

import dev.usher.core.seat.PoolKey;
import org.jdbi.v3.core.Handle;

import java.util.Collection;

/**
 * What differs between the engines inside a transaction: how decisions about one pool or one
 * session are serialized. SQLite needs nothing (one writer decides everything in turn); PostgreSQL
 * serves several nodes at once, so a transaction first locks what it will decide about.
 *
 * <p>Lock order, to keep deadlocks out of the common paths: sessions first, then pools, each in
 * sorted order. A transaction that cannot keep that order (an admin release that starts from a
 * seat) may deadlock; the database then aborts one side and {@link Database#write} retries it.
 */
public interface Dialect {

    /** Serializes transactions about these sessions until this transaction ends. */
    void lockSessions(Handle h, Collection<String> sessionIds);

    /** Serializes transactions that grant or return seats of these pools until this transaction ends. */
    void lockPools(Handle h, Collection<PoolKey> pools);

    /** True when several servers share the database (PostgreSQL): memory is then only this node's view. */
    boolean shared();

    /** SQLite: every write already runs alone. */
    Dialect SINGLE_WRITER = new Dialect() {
        @Override
        public void lockSessions(Handle h, Collection<String> sessionIds) {
        }

        @Override
        public void lockPools(Handle h, Collection<PoolKey> pools) {
        }

        @Override
        public boolean shared() {
            return false;
        }
    };
}
