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

    /**
     * Both, sessions first. Inside a group commit, a shared store reports every lock of both lists that the group
     * does not hold at once, so that the group's next attempt holds them all from its first statement.
     */
    default void lock(Handle h, Collection<String> sessionIds, Collection<PoolKey> pools) {
        lockSessions(h, sessionIds);
        lockPools(h, pools);
    }

    /**
     * Locks a group commit holds only on paper so far (PostgreSQL), as one query to send ahead of the group's first
     * read in the same round trip; calling this counts them as taken. Null when there are none: outside a group, or
     * once taken. Every lock a group waits for is held from that moment to its COMMIT, so a round trip saved here is
     * one the other nodes' groups about the same pools do not wait for.
     */
    default LockQuery locksToTakeWithFirstRead(Handle h) {
        return null;
    }

    /**
     * Whether the group commit running on {@code h} lets its write end with COMMIT in the same round trip (it then
     * knows that write was its commit). False outside a group commit.
     */
    default boolean commitWithWrite(Handle h) {
        return false;
    }

    /**
     * A query that takes locks, in the order of its arrays, and returns one row: how many it took, and how long the
     * database waited for them (microseconds), which is handed to {@code waited}. Its two parameters are arrays:
     * {@code lockClasses} (bigint) and {@code keys} (text).
     */
    record LockQuery(String sql, java.util.List<Long> lockClasses, java.util.List<String> keys, java.util.function.LongConsumer waited) {}

    /** True when several servers share the database (PostgreSQL): memory is then only this node's view. */
    boolean shared();

    /**
     * Serializes the transactions of one background recorder ({@code "audit"}, {@code "usage"}) across
     * every node until this transaction ends, so that two nodes never both append the same events;
     * the transaction then re-reads where the recorder is before it writes.
     */
    default void lockRecorder(Handle h, String recorder) {
    }

    /**
     * Holds off every other transaction that writes {@code table} until this one ends, after waiting
     * for those in flight: what this transaction reads of it next is then final. For rare, one-off
     * steps only (the usage history's starting point), never on a hot path.
     */
    default void lockTableWrites(Handle h, String table) {
    }

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
