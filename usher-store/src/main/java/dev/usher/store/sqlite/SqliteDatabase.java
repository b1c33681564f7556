package dev.usher.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.usher.store.Database;
import dev.usher.store.ShippedSchema;
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

    /** A unit of work, or (with {@code group}) one input of a group the writer decides together. */
    private record Task<T>(Work<T> work, Group<Object, Object> group, Object input, CompletableFuture<T> result,
                           List<Runnable> afterCommit) {}

    private static final Task<Void> STOP = new Task<>((h, a) -> null, null, null, new CompletableFuture<>(), List.of());

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
        NativeLibrary.prepare();
        this.file = file;
        String url = "jdbc:sqlite:" + file.toAbsolutePath();
        SQLiteDataSource writeSource = new SQLiteDataSource(config());
        writeSource.setUrl(url);
        try {
            if (schemaIsCurrent(writeSource)) {
                // The usual start: nothing to migrate, so Flyway (a second of class loading) is not needed.
                this.pendingAtStart = 0;
                this.schemaVersion = ShippedSchema.SQLITE.latestVersion();
            } else {
                Flyway flyway = Flyway.configure()
                        .dataSource(writeSource)
                        .locations(ShippedSchema.SQLITE.flywayLocation())
                        .loggers("slf4j")
                        .load();
                flyway.migrate();
                var info = flyway.info();
                this.pendingAtStart = info.pending().length;
                this.schemaVersion = info.current() == null ? null : info.current().getVersion().getVersion();
            }
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

    private static boolean schemaIsCurrent(SQLiteDataSource source) {
        try (java.sql.Connection c = source.getConnection()) {
            return ShippedSchema.SQLITE.isCurrent(c);
        } catch (java.sql.SQLException e) {
            return false; // Flyway opens it again and says what is wrong
        }
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
        return await(new Task<>(work, null, null, new CompletableFuture<>(), new ArrayList<>(2)));
    }

    /**
     * Seat decisions: all of a group's inputs that wait when the writer is free are decided in one call,
     * without a savepoint each (a refusal is an answer, not a failure), in the transaction of the other
     * writes waiting then. One SQLite writer: no lock is needed, and {@code alone} is never used.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <I, O> O writeGrouped(Locks locks, Group<I, O> group, I input, java.util.function.Supplier<O> alone) {
        if (closed) {
            throw new StoreException("the store is closed", null);
        }
        return await(new Task<>(null, (Group<Object, Object>) group, input, new CompletableFuture<>(), new ArrayList<>(2)));
    }

    private <T> T await(Task<T> task) {
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

    /**
     * One transaction for everything waiting: the groups' inputs first, each group in one call; then the
     * other writes, each in its own savepoint, so one failing does not undo the others. When a group fails
     * or the commit does, everything is rolled back and each task runs again in a transaction of its own,
     * so that only what really fails is refused.
     */
    private void runBatch(List<Task<?>> batch) {
        java.util.Map<Group<Object, Object>, List<Task<?>>> groups = new java.util.LinkedHashMap<>();
        List<Task<?>> works = new ArrayList<>();
        java.util.Map<Task<?>, Integer> position = new java.util.IdentityHashMap<>();
        for (Task<?> t : batch) {
            position.put(t, position.size());
            if (t.group() != null) {
                groups.computeIfAbsent(t.group(), g -> new ArrayList<>()).add(t);
            } else {
                works.add(t);
            }
        }
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        try {
            writer.begin();
            for (var g : groups.entrySet()) {
                List<Task<?>> tasks = g.getValue();
                List<Object> out = g.getKey().run(writer, tasks.stream().map(Task::input).toList(),
                        tasks.stream().map(t -> (AfterCommit) t.afterCommit()::add).toList());
                for (int i = 0; i < tasks.size(); i++) {
                    results[position.get(tasks.get(i))] = out.get(i);
                }
            }
            for (Task<?> task : works) {
                int at = position.get(task);
                writer.execute("SAVEPOINT op");
                try {
                    results[at] = task.work().apply(writer, task.afterCommit()::add);
                    writer.execute("RELEASE op");
                } catch (RuntimeException | Error e) {
                    writer.execute("ROLLBACK TO op");
                    writer.execute("RELEASE op");
                    task.afterCommit().clear();
                    failures[at] = e;
                }
            }
            writer.commit();
        } catch (RuntimeException | Error e) {
            try {
                writer.rollback();
            } catch (RuntimeException ignored) {
                // the connection may be unusable; the original failure is what callers need
            }
            groups.keySet().forEach(Group::rolledBack);
            batch.forEach(t -> t.afterCommit().clear());
            if (batch.size() > 1) {
                LOG.debug("a group of {} writes failed ({}); running each on its own", batch.size(), e.toString());
                for (Task<?> t : batch) {
                    runBatch(List.of(t));
                }
                return;
            }
            LOG.error("write failed; nothing was stored", e);
            RuntimeException failure = e instanceof StoreException se ? se
                    : groups.isEmpty() && e instanceof RuntimeException re ? re
                    : new StoreException("the store could not save the change: " + e.getMessage(), e);
            batch.getFirst().result().completeExceptionally(failure);
            return;
        }
        groups.keySet().forEach(Group::committed);
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], failures[i]);
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
