package dev.usher.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usher.store.Database;
import dev.usher.store.StoreException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * The embedded store: one SQLite file in WAL mode with {@code synchronous=FULL}.
 *
 * <p>SQLite allows one writer at a time, and with {@code synchronous=FULL} every commit waits for
 * the disk. Instead of letting request threads queue on the file lock, all writes go to one writer
 * thread that runs whatever is waiting as one transaction (group commit): each unit of work runs in
 * its own savepoint, so one failing does not undo the others, and every caller is answered only after
 * the commit is durable. Under load this turns hundreds of fsyncs into one; with no load a write is
 * one transaction as usual. Reads use a small pool of read-only connections, which WAL lets run
 * alongside the writer.
 */
public final class SqliteDatabase implements Database {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);
    private static final int MAX_BATCH = 512;

    private record Task<T>(Work<T> work, CompletableFuture<T> result, List<Runnable> afterCommit) {}

    private static final Task<Void> STOP = new Task<>((h, a) -> null, new CompletableFuture<>(), List.of());

    private final Path file;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Handle writer;
    private final HikariDataSource readPool;
    private final Jdbi readers;
    private final Thread writerThread;
    private volatile boolean closed;
    /** The latest migration applied at start; readiness compares the file against it. */
    private final String schemaVersion;
    private final int pendingAtStart;

    private SqliteDatabase(Path file) {
        this.file = file;
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SQLiteDataSource writeSource = new SQLiteDataSource(config());
        writeSource.setUrl(url);
        try {
            Flyway flyway = Flyway.configure()
                    .dataSource(writeSource)
                    .locations("classpath:db/sqlite")
                    .loggers("slf4j")
                    .load();
            flyway.migrate();
            var info = flyway.info();
            this.pendingAtStart = info.pending().length;
            this.schemaVersion = info.current() == null ? null : info.current().getVersion().getVersion();
        } catch (RuntimeException e) {
            throw new StoreException("cannot prepare the database " + file + ": " + e.getMessage(), e);
        }
        Jdbi writerJdbi = Jdbi.create(writeSource);
        writerJdbi.setStatementBuilderFactory(conn -> new CachingStatementBuilder());
        this.writer = writerJdbi.open();

        HikariConfig hc = new HikariConfig();
        hc.setDataSource(readSource(url));
        hc.setPoolName("usher-sqlite-readers");
        hc.setMaximumPoolSize(4);
        hc.setMinimumIdle(1);
        hc.setAutoCommit(true);
        // Not JDBC read-only: the pool toggles that flag, which sqlite-jdbc refuses on an open connection.
        hc.setConnectionInitSql("PRAGMA query_only = true");
        this.readPool = new HikariDataSource(hc);
        this.readers = Jdbi.create(readPool);

        this.writerThread = Thread.ofPlatform().name("usher-sqlite-writer").daemon(false).unstarted(this::writeLoop);
        this.writerThread.start();
    }

    /** Opens (creating if needed) the database file and brings its schema up to date. */
    public static SqliteDatabase open(Path file) {
        return new SqliteDatabase(file);
    }

    public Path file() {
        return file;
    }

    private static SQLiteConfig config() {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // FULL: a commit is on disk when it returns, so an acknowledged grant survives power loss too.
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.enforceForeignKeys(true);
        c.setBusyTimeout(10_000);
        c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        return c;
    }

    private static SQLiteDataSource readSource(String url) {
        SQLiteDataSource ds = new SQLiteDataSource(config());
        ds.setUrl(url);
        return ds;
    }

    @Override
    public <T> T write(Work<T> work) {
        if (closed) {
            throw new StoreException("the store is closed", null);
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>(), new ArrayList<>(2));
        queue.add(task);
        try {
            return task.result().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("write failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the store", e);
        }
    }

    @Override
    public <T> T read(Function<Handle, T> query) {
        return readers.withHandle(query::apply);
    }

    /**
     * {@code VACUUM INTO} on a connection of its own: SQLite copies one read snapshot (WAL lets
     * the writer go on meanwhile), so the copy is consistent however busy the server is.
     */
    @Override
    public void backupTo(Path target) {
        if (closed) {
            throw new StoreException("the store is closed", null);
        }
        try (java.sql.Connection c = readSource("jdbc:sqlite:" + file.toAbsolutePath()).getConnection();
             java.sql.PreparedStatement st = c.prepareStatement("VACUUM INTO ?")) {
            st.setString(1, target.toAbsolutePath().toString());
            st.execute();
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot back up the database to " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<String> schemaProblem() {
        if (pendingAtStart > 0) {
            return java.util.Optional.of(pendingAtStart + " migration(s) pending");
        }
        String now;
        try {
            now = read(h -> h.createQuery("SELECT version FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL"
                    + " ORDER BY installed_rank DESC LIMIT 1").mapTo(String.class).findOne().orElse(null));
        } catch (RuntimeException e) {
            return java.util.Optional.of("cannot read the schema version: " + e.getMessage());
        }
        return java.util.Objects.equals(now, schemaVersion) ? java.util.Optional.empty()
                : java.util.Optional.of("schema version " + now + " found, " + schemaVersion + " expected (was the database file replaced?)");
    }

    /** The version of the newest migration applied, as this server left it at start. */
    public String schemaVersion() {
        return schemaVersion;
    }

    @Override
    public void trackReadPool(com.zaxxer.hikari.metrics.MetricsTrackerFactory factory) {
        readPool.setMetricsTrackerFactory(factory);
    }

    private void writeLoop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            batch.clear();
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() stops the writer, via STOP, so queued work is never dropped
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            boolean stop = batch.remove(STOP);
            if (!batch.isEmpty()) {
                runBatch(batch);
            }
            if (stop) {
                // Work queued behind STOP still gets an answer.
                List<Task<?>> rest = new ArrayList<>();
                queue.drainTo(rest);
                rest.forEach(t -> t.result().completeExceptionally(new StoreException("the store is closed", null)));
                return;
            }
        }
    }

    private void runBatch(List<Task<?>> batch) {
        List<Object> results = new ArrayList<>(batch.size());
        List<Throwable> failures = new ArrayList<>(batch.size());
        try {
            writer.begin();
            for (Task<?> task : batch) {
                writer.execute("SAVEPOINT op");
                try {
                    Object r = task.work().apply(writer, task.afterCommit()::add);
                    writer.execute("RELEASE op");
                    results.add(r);
                    failures.add(null);
                } catch (RuntimeException | Error e) {
                    writer.execute("ROLLBACK TO op");
                    writer.execute("RELEASE op");
                    task.afterCommit().clear();
                    results.add(null);
                    failures.add(e);
                }
            }
            writer.commit();
        } catch (RuntimeException e) {
            LOG.error("commit failed; {} writes were not stored", batch.size(), e);
            try {
                writer.rollback();
            } catch (RuntimeException ignored) {
                // the connection may be unusable; the original failure is what callers need
            }
            StoreException failure = new StoreException("the store could not save the change: " + e.getMessage(), e);
            batch.forEach(t -> t.result().completeExceptionally(failure));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results.get(i), failures.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Task<T> task, Object result, Throwable failure) {
        if (failure != null) {
            task.result().completeExceptionally(failure);
            return;
        }
        try {
            task.afterCommit().forEach(Runnable::run);
        } catch (RuntimeException e) {
            LOG.error("after-commit action failed", e);
        }
        task.result().complete((T) result);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            writerThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.close();
        readPool.close();
    }
}
