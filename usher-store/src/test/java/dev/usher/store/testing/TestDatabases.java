package dev.usher.store.testing;

import dev.usher.store.Database;
import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.sqlite.SqliteDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The store tests run against: SQLite by default, PostgreSQL when the system property
 * {@code usher.test.db} (or the variable {@code USHER_TEST_DB}) is {@code postgresql}. One embedded
 * PostgreSQL (a real server, from Maven Central; no Docker) is started once per JVM and each test
 * gets a fresh database of its own, created with the C collation so that ordering and case folding
 * match SQLite's.
 */
public final class TestDatabases {

    private static EmbeddedPostgres postgres;
    private static final AtomicInteger NEXT = new AtomicInteger();
    /** One database per directory, so that a test reopening "the same file" reopens the same database. */
    private static final Map<Path, String> BY_DIR = new ConcurrentHashMap<>();

    private TestDatabases() {
    }

    public static boolean postgresql() {
        String v = System.getProperty("usher.test.db", System.getenv("USHER_TEST_DB"));
        return "postgresql".equalsIgnoreCase(v);
    }

    /** The store for a test working in {@code dir}: SQLite file there, or a PostgreSQL database of its own. */
    public static Database open(Path dir) {
        if (!postgresql()) {
            return SqliteDatabase.open(dir.resolve("usher.db"));
        }
        return PostgresDatabase.open(urlFor(dir));
    }

    /** The PostgreSQL URL for {@code dir} (a new database the first time), or null on SQLite. */
    public static String urlFor(Path dir) {
        if (!postgresql()) {
            return null;
        }
        return BY_DIR.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> newDatabase());
    }

    /** A new empty database on the shared embedded PostgreSQL: its {@code postgresql://} URL. */
    public static synchronized String newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "usher_test_" + ProcessHandle.current().pid() + "_" + NEXT.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return "postgresql://127.0.0.1:" + pg.getPort() + "/" + name + "?user=postgres";
    }

    /** The embedded server, started on first use and stopped when the JVM exits. */
    public static synchronized EmbeddedPostgres server() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("max_connections", "300")
                        // Tests only: no power loss to survive here, and CREATE DATABASE per test is much faster
                        // without fsync. A crash of the server process (kill -9) still loses nothing committed.
                        .setServerConfig("fsync", "off")
                        .setServerConfig("full_page_writes", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is going away; the server's directory is temporary
                }
            }, "embedded-postgres-stop"));
        }
        return postgres;
    }
}
