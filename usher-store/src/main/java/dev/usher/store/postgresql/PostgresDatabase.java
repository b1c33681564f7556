package dev.usher.store.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The shared store for high availability: one PostgreSQL (14 or later) that any number of Usher
 * nodes use at once.
 *
 * <p>Every {@link #write} is one READ COMMITTED transaction on a pooled connection. What must not
 * be decided twice at once is serialized with transaction-scoped advisory locks ({@link AdvisoryLocks}):
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
    /** The sweeper's session-level advisory lock (the other classes: {@link AdvisoryLocks}). */
    public static final int LOCK_SWEEPER = 0x55_53_57_50; // "USWP"

    private final PostgresUrl url;
    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private Flyway flyway;
    private final GroupCommit groups;
    private final AdvisoryLocks dialect;
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
        this.dialect = new AdvisoryLocks(groups);
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
