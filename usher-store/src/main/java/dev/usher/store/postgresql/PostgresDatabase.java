package dev.usher.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usher.core.seat.PoolKey;
import dev.usher.store.Database;
import dev.usher.store.Dialect;
import dev.usher.store.ShippedSchema;
import dev.usher.store.StoreException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The shared store for high availability: one PostgreSQL (14 or later) that any number of Usher
 * nodes use at once.
 *
 * <p>Every {@link #write} is one READ COMMITTED transaction on a pooled connection. What must not
 * be decided twice at once is serialized with transaction-scoped advisory locks ({@link #dialect()}):
 * one per session and one per pool, always sessions first and each kind in sorted order. A write
 * that loses a race the database detects (a deadlock, a serialization failure, a unique or foreign
 * key violation from a concurrent insert or delete) is rolled back and run again from the start,
 * so it decides on what the winner committed; the work functions are written to be re-runnable
 * (their after-commit actions are dropped with the rolled-back attempt).
 *
 * <p>Migrations run under Flyway's PostgreSQL advisory lock, so several nodes may start at once on
 * an empty database: one migrates, the others wait and find the schema current.
 */
public final class PostgresDatabase implements Database {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDatabase.class);
    private static final int MAX_ATTEMPTS = 8;
    /** Advisory lock classes (the two-key form, which never meets Flyway's one-key lock). */
    static final int LOCK_POOL = 0x55_50_4f_4c;     // "UPOL"
    static final int LOCK_SESSION = 0x55_53_45_53;  // "USES"
    public static final int LOCK_SWEEPER = 0x55_53_57_50; // "USWP"
    static final int LOCK_RECORDER = 0x55_52_45_43; // "UREC"

    private final PostgresUrl url;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private Flyway flyway;
    private final GroupCommit groups;
    private volatile long migrationsCheckedAt;
    private volatile String schemaProblem;

    private PostgresDatabase(PostgresUrl url, int maxConnections) {
        this.url = url;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url.jdbcUrl());
        hc.setPoolName("usher-postgresql");
        hc.setMaximumPoolSize(maxConnections);
        hc.setMinimumIdle(2);
        // Fail a request within seconds while the database is away (the client fails over), rather than hang.
        hc.setConnectionTimeout(5_000);
        hc.setValidationTimeout(2_000);
        hc.setAutoCommit(true);
        hc.addDataSourceProperty("connectTimeout", "5");
        hc.addDataSourceProperty("socketTimeout", "30");
        hc.addDataSourceProperty("tcpKeepAlive", "true");
        hc.addDataSourceProperty("ApplicationName", "usher");
        // Lets Hikari start without the database (the readiness check then says so) instead of failing here.
        hc.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(hc);
        try {
            if (!schemaIsCurrent()) {
                migrate();
            }
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot prepare the database " + url + ": " + rootMessage(e), e);
        }
        this.jdbi = Jdbi.create(pool);
        this.groups = new GroupCommit(this::open);
    }

    /** Connects, brings the schema up to date (safe when several nodes do it at once), and returns the store. */
    public static PostgresDatabase open(String url) {
        return new PostgresDatabase(PostgresUrl.parse(url), 20);
    }

    public static PostgresDatabase open(String url, int maxConnections) {
        return new PostgresDatabase(PostgresUrl.parse(url), maxConnections);
    }

    /**
     * Whether the database has exactly the migrations this build ships, so that the start (and the
     * readiness probe) can do without Flyway, whose set-up costs about a second of class loading.
     */
    private boolean schemaIsCurrent() {
        try (java.sql.Connection c = pool.getConnection()) {
            return ShippedSchema.POSTGRESQL.isCurrent(c);
        } catch (SQLException e) {
            return false; // Flyway connects again and says what is wrong
        }
    }

    /** Flyway, built only when the schema is not the shipped one (an empty, older or newer database). */
    private synchronized Flyway flyway() {
        if (flyway == null) {
            flyway = Flyway.configure()
                    .dataSource(pool)
                    .locations(ShippedSchema.POSTGRESQL.flywayLocation())
                    .loggers("slf4j")
                    .load();
        }
        return flyway;
    }

    private void migrate() {
        // Flyway serializes nodes with an advisory lock; creating its history table is the one step
        // two nodes can still race on an empty database, and the loser simply finds it on a retry.
        for (int attempt = 1; ; attempt++) {
            try {
                flyway().migrate();
                return;
            } catch (RuntimeException e) {
                if (attempt >= 5) {
                    throw e;
                }
                LOG.warn("migration attempt {} failed ({}); retrying", attempt, rootMessage(e));
                sleep(Duration.ofMillis(200L * attempt));
            }
        }
    }

    public PostgresUrl url() {
        return url;
    }

    @Override
    public <T> T write(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            List<Runnable> afterCommit = new ArrayList<>(2);
            T result;
            try (Handle h = open()) {
                h.begin();
                try {
                    result = work.apply(h, afterCommit::add);
                    h.commit();
                } catch (RuntimeException | Error e) {
                    rollbackQuietly(h);
                    throw e;
                }
            } catch (RuntimeException e) {
                SQLException sql = sqlCause(e);
                if (sql == null) {
                    throw e; // the work's own decision (unknown user, conflict, ...): nothing was stored
                }
                if (retryable(sql) && attempt < MAX_ATTEMPTS) {
                    sleep(Duration.ofMillis(ThreadLocalRandom.current().nextLong(1, 5L * attempt)));
                    continue;
                }
                throw new StoreException("the database could not save the change: " + rootMessage(e), e);
            }
            for (Runnable r : afterCommit) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("after-commit action failed", e);
                }
            }
            return result;
        }
    }

    /**
     * Seat decisions share transactions per node ({@link GroupCommit}): one lock hand-over and one WAL
     * flush then serve every decision that was waiting, and each is still answered only after the COMMIT.
     */
    @Override
    public <I, O> O writeGrouped(Locks locks, Group<I, O> group, I input, java.util.function.Supplier<O> alone) {
        return groups.submit(locks, group, input, alone);
    }

    /** The group writer, for tests in this package. */
    GroupCommit groupCommit() {
        return groups;
    }

    @Override
    public <T> T read(Function<Handle, T> query) {
        try (Handle h = open()) {
            return query.apply(h);
        } catch (RuntimeException e) {
            if (sqlCause(e) != null) {
                throw new StoreException("the database could not be read: " + rootMessage(e), e);
            }
            throw e;
        }
    }

    private Handle open() {
        try {
            return jdbi.open();
        } catch (RuntimeException e) {
            throw new StoreException("the database is unreachable: " + rootMessage(e), e);
        }
    }

    /**
     * A connection of its own, not from the pool, for a session-level lock such as the sweeper's:
     * closing it (or the node dying) really ends the session, and so releases the lock.
     */
    public Handle dedicatedHandle() {
        try {
            return Jdbi.create(url.jdbcUrl()).open();
        } catch (RuntimeException e) {
            throw new StoreException("the database is unreachable: " + rootMessage(e), e);
        }
    }

    @Override
    public java.util.Optional<String> schemaProblem() {
        // Asking Flyway reads the history table; load balancers probe /readyz every few seconds on every node.
        long now = System.currentTimeMillis();
        if (now - migrationsCheckedAt > 5_000) {
            try {
                int pending = schemaIsCurrent() ? 0 : flyway().info().pending().length;
                schemaProblem = pending == 0 ? null : pending + " migration(s) pending";
            } catch (RuntimeException e) {
                schemaProblem = "cannot read the schema version: " + e.getMessage();
            }
            migrationsCheckedAt = now;
        }
        return java.util.Optional.ofNullable(schemaProblem);
    }

    @Override
    public void trackReadPool(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
        pool.setMetricsTrackerFactory(factory);
    }

    @Override
    public Dialect dialect() {
        return dialect;
    }

    private final Dialect dialect = new Dialect() {
        @Override
        public void lockSessions(Handle h, Collection<String> sessionIds) {
            GroupCommit.Held held = groups.heldOn(h);
            List<String> sorted = sessionIds.stream().distinct().sorted().toList();
            for (String id : sorted) {
                if (held == null) {
                    PostgresDatabase.lock(h, LOCK_SESSION, id);
                } else if (!held.sessions().contains(id) && !tryLock(h, LOCK_SESSION, id)) {
                    throw new GroupCommit.NotHeld(new TreeSet<>(sorted), Set.of());
                }
            }
        }

        @Override
        public void lockPools(Handle h, Collection<PoolKey> pools) {
            GroupCommit.Held held = groups.heldOn(h);
            List<PoolKey> sorted = pools.stream().distinct().sorted().toList();
            for (PoolKey p : sorted) {
                if (held == null) {
                    PostgresDatabase.lock(h, LOCK_POOL, poolLockKey(p));
                } else if (!held.pools().contains(p) && !tryLock(h, LOCK_POOL, poolLockKey(p))) {
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
    };

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
            throw new StoreException("the database could not take the group's locks: " + rootMessage(e), e);
        }
    }

    private static boolean retryable(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("40001") || state.equals("40P01") || state.equals("23505") || state.equals("23503"));
    }

    static SQLException sqlCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                // The driver chains the server's error behind batch failures; the first with a state decides.
                for (SQLException n = s; n != null; n = n.getNextException()) {
                    if (n.getSQLState() != null) {
                        return n;
                    }
                }
                return s;
            }
        }
        return null;
    }

    static String rootMessage(Throwable e) {
        SQLException s = sqlCause(e);
        Throwable t = s != null ? s : e;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    private static void rollbackQuietly(Handle h) {
        try {
            h.rollback();
        } catch (RuntimeException ignored) {
            // the connection may be gone; the original failure is what callers need
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted", e);
        }
    }

    @Override
    public void close() {
        groups.close();
        pool.close();
    }
}
