package dev.usher.store.postgresql;

import dev.usher.core.seat.PoolKey;
import dev.usher.store.Dialect;
import dev.usher.store.StoreException;
import org.jdbi.v3.core.Handle;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How transactions on the shared database serialize what must not be decided twice at once:
 * transaction-scoped advisory locks, one per session and one per pool, always sessions first and each
 * kind in sorted order. Inside a {@link GroupCommit} the group's declared locks are taken once for the
 * whole group (with its first read when it asks for that), and a lock it did not declare is taken only
 * if free at once ({@link GroupCommit.NotHeld} otherwise).
 */
final class AdvisoryLocks implements Dialect {

    /** Advisory lock classes (the two-key form, which never meets Flyway's one-key lock). */
    static final int LOCK_POOL = 0x55_50_4f_4c;     // "UPOL"
    static final int LOCK_SESSION = 0x55_53_45_53;  // "USES"
    static final int LOCK_RECORDER = 0x55_52_45_43; // "UREC"

    private final GroupCommit groups;

    AdvisoryLocks(GroupCommit groups) {
        this.groups = groups;
    }

    @Override
    public LockQuery locksToTakeWithFirstRead(Handle h) {
        GroupCommit.Held held = groups.heldOn(h);
        if (held == null || !held.locksPending) {
            return null;
        }
        held.locksPending = false;
        List<Long> classes = new ArrayList<>(held.sessions.size() + held.pools.size());
        List<String> keys = new ArrayList<>(held.sessions.size() + held.pools.size());
        held.sessions.forEach(k -> {
            classes.add((long) LOCK_SESSION);
            keys.add(k);
        });
        held.pools.forEach(p -> {
            classes.add((long) LOCK_POOL);
            keys.add(poolLockKey(p));
        });
        // The aggregate takes the locks row by row in array order; clock_timestamp() is read after the last one.
        return new LockQuery("""
                SELECT count(pg_advisory_xact_lock(CAST(c AS integer), hashtext(k))::text),
                  CAST(extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000000 AS bigint)
                FROM unnest(CAST(? AS bigint[]), CAST(? AS text[])) AS t(c, k)""", classes, keys, us -> held.lockWaitMicros = us);
    }

    @Override
    public boolean commitWithWrite(Handle h) {
        GroupCommit.Held held = groups.heldOn(h);
        if (held == null || !held.mayCommitWithWrite || held.locksPending) {
            return false;
        }
        held.commitSent = true;
        return true;
    }

    /** A group that asks for a lock before its first read takes the group's own first, in the global order. */
    private GroupCommit.Held heldOn(Handle h) {
        GroupCommit.Held held = groups.heldOn(h);
        if (held != null && held.locksPending) {
            held.locksPending = false;
            lockAll(h, held.sessions, held.pools.stream().map(AdvisoryLocks::poolLockKey).toList());
        }
        return held;
    }

    @Override
    public void lockSessions(Handle h, Collection<String> sessionIds) {
        GroupCommit.Held held = heldOn(h);
        List<String> sorted = sessionIds.stream().distinct().sorted().toList();
        for (String id : sorted) {
            if (held == null) {
                lock(h, LOCK_SESSION, id);
            } else if (!held.sessions.contains(id) && !tryLock(h, LOCK_SESSION, id)) {
                throw new GroupCommit.NotHeld(new TreeSet<>(sorted), Set.of());
            }
        }
    }

    @Override
    public void lockPools(Handle h, Collection<PoolKey> pools) {
        GroupCommit.Held held = heldOn(h);
        List<PoolKey> sorted = pools.stream().distinct().sorted().toList();
        for (PoolKey p : sorted) {
            if (held == null) {
                lock(h, LOCK_POOL, poolLockKey(p));
            } else if (!held.pools.contains(p) && !tryLock(h, LOCK_POOL, poolLockKey(p))) {
                throw new GroupCommit.NotHeld(Set.of(), new TreeSet<>(sorted));
            }
        }
    }

    @Override
    public void lock(Handle h, Collection<String> sessionIds, Collection<PoolKey> pools) {
        try {
            lockSessions(h, sessionIds);
            lockPools(h, pools);
        } catch (GroupCommit.NotHeld missing) {
            throw new GroupCommit.NotHeld(new TreeSet<>(sessionIds), new TreeSet<>(pools));
        }
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public void lockRecorder(Handle h, String recorder) {
        h.createQuery("SELECT pg_advisory_xact_lock(:c, hashtext(:k))::text").bind("c", LOCK_RECORDER).bind("k", recorder)
                .mapTo(String.class).one();
    }

    @Override
    public void lockTableWrites(Handle h, String table) {
        if (!table.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        // SHARE conflicts with the ROW EXCLUSIVE lock every INSERT holds until its transaction ends.
        h.execute("LOCK TABLE " + table + " IN SHARE MODE");
    }

    static String poolLockKey(PoolKey p) {
        return p.product().length() + ":" + p.product() + "/" + p.feature();
    }

    private static void lock(Handle h, int lockClass, String key) {
        h.createQuery("SELECT pg_advisory_xact_lock(:c, hashtext(:k))::text").bind("c", lockClass).bind("k", key)
                .mapTo(String.class).one();
    }

    private static boolean tryLock(Handle h, int lockClass, String key) {
        return h.createQuery("SELECT pg_try_advisory_xact_lock(:c, hashtext(:k))").bind("c", lockClass).bind("k", key)
                .mapTo(Boolean.class).one();
    }

    /** Takes the locks of {@code keys} in the order given, waiting for each, in one round trip (a function scan keeps array order). */
    static void lockAll(Handle h, int lockClass, Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        h.createQuery("SELECT pg_advisory_xact_lock(:c, hashtext(k))::text FROM unnest(:keys) AS t(k)")
                .bind("c", lockClass).bindArray("keys", String.class, List.copyOf(keys))
                .mapTo(String.class).list();
    }

    /** Takes the locks of {@code sessions}, then of {@code pools} (keys), in the order given, in one round trip. */
    static void lockAll(Handle h, Collection<String> sessions, Collection<String> pools) {
        if (sessions.isEmpty() || pools.isEmpty()) {
            lockAll(h, LOCK_SESSION, sessions);
            lockAll(h, LOCK_POOL, pools);
            return;
        }
        List<Integer> classes = new ArrayList<>(sessions.size() + pools.size());
        List<String> keys = new ArrayList<>(sessions.size() + pools.size());
        sessions.forEach(k -> {
            classes.add(LOCK_SESSION);
            keys.add(k);
        });
        pools.forEach(k -> {
            classes.add(LOCK_POOL);
            keys.add(k);
        });
        // Plain JDBC: a group takes its locks once per transaction, and JDBI's binding costs more CPU than the statement.
        java.sql.Connection c = h.getConnection();
        try (java.sql.PreparedStatement st = c.prepareStatement(
                "SELECT pg_advisory_xact_lock(c, hashtext(k))::text FROM unnest(CAST(? AS integer[]), CAST(? AS text[])) AS t(c, k)")) {
            st.setArray(1, c.createArrayOf("int4", classes.toArray()));
            st.setArray(2, c.createArrayOf("text", keys.toArray()));
            try (java.sql.ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    // each row is one lock taken, in order
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the database could not take the group's locks: " + PostgresDatabase.rootMessage(e), e);
        }
    }
}
