package dev.usher.store;

import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.postgresql.PostgresUrl;
import dev.usher.store.sqlite.SqliteDatabase;
import dev.usher.store.testing.TestDatabases;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shipped migration lists against Flyway's own view, and the "nothing to migrate" check on a real
 * SQLite file and a real (embedded) PostgreSQL: only a database with exactly the shipped migrations
 * skips Flyway; every other one still goes through it and ends as it did before.
 */
class ShippedSchemaTest {

    @TempDir
    Path dir;

    /** One database of either store, fresh for each test. */
    private sealed interface Db {
        String jdbcUrl();

        Database open();

        /** A new database with the same content, for seeing what Flyway alone makes of it. */
        Db copy() throws Exception;
    }

    private record SqliteDb(Path file) implements Db {
        public String jdbcUrl() {
            return "jdbc:sqlite:" + file.toAbsolutePath();
        }

        public Database open() {
            return SqliteDatabase.open(file);
        }

        public Db copy() throws Exception {
            Path to = file.resolveSibling("copy-" + file.getFileName());
            Files.copy(file, to);
            return new SqliteDb(to);
        }
    }

    private record PostgresDb(String url) implements Db {
        public String jdbcUrl() {
            return PostgresUrl.parse(url).jdbcUrl();
        }

        public Database open() {
            return PostgresDatabase.open(url, 4);
        }

        public Db copy() throws Exception {
            String copy = TestDatabases.newDatabase();
            String name = copy.substring(copy.lastIndexOf('/') + 1, copy.indexOf('?'));
            String from = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
            try (Connection c = TestDatabases.server().getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE " + name);
                st.execute("CREATE DATABASE " + name + " TEMPLATE " + from);
            }
            return new PostgresDb(copy);
        }
    }

    private Db fresh(ShippedSchema schema) {
        return schema == ShippedSchema.SQLITE ? new SqliteDb(dir.resolve("usher.db")) : new PostgresDb(TestDatabases.newDatabase());
    }

    private static Flyway flyway(ShippedSchema schema, Db db) {
        return Flyway.configure().dataSource(db.jdbcUrl(), null, null).locations(schema.flywayLocation()).loggers("slf4j").load();
    }

    private static boolean current(ShippedSchema schema, Db db) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl())) {
            return schema.isCurrent(c);
        }
    }

    private static void execute(Db db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void the_shipped_lists_are_what_flyway_would_apply_on_an_empty_database(ShippedSchema schema) {
        Map<String, Integer> flywaySees = new TreeMap<>();
        for (MigrationInfo m : flyway(schema, fresh(schema)).info().pending()) {
            flywaySees.put(m.getVersion().getVersion(), m.getChecksum());
        }
        String expected = flywaySees.entrySet().stream()
                .map(e -> "Map.entry(\"" + e.getKey() + "\", " + e.getValue() + ")").collect(Collectors.joining(", "));
        assertThat(new TreeMap<>(schema.checksums()))
                .as("ShippedSchema.%s must list every migration in %s with Flyway's checksum (a migration was added"
                        + " or edited?); set its entries to:%n%s", schema, schema.flywayLocation(), expected)
                .isEqualTo(flywaySees);
        assertThat(schema.latestVersion()).isEqualTo(flyway(schema, fresh(schema)).info().pending()[flywaySees.size() - 1]
                .getVersion().getVersion());
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void a_fresh_database_is_not_current_and_is_migrated_on_open(ShippedSchema schema) throws Exception {
        Db db = fresh(schema);
        assertThat(current(schema, db)).isFalse();
        try (Database opened = db.open()) {
            assertThat(opened.schemaProblem()).isEmpty();
        }
        assertThat(current(schema, db)).isTrue();
        try (Database reopened = db.open()) {
            assertThat(reopened.schemaProblem()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void a_database_one_version_behind_is_not_current_and_is_upgraded_on_open(ShippedSchema schema) throws Exception {
        Db db = fresh(schema);
        String previous = flyway(schema, db).info().pending()[schema.checksums().size() - 2].getVersion().getVersion();
        Flyway.configure().dataSource(db.jdbcUrl(), null, null).locations(schema.flywayLocation()).target(previous)
                .loggers("slf4j").load().migrate();
        assertThat(current(schema, db)).isFalse();
        try (Database opened = db.open()) {
            assertThat(opened.schemaProblem()).isEmpty();
        }
        assertThat(current(schema, db)).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void a_version_from_a_newer_usher_is_not_current_and_opens_as_flyway_lets_it(ShippedSchema schema) throws Exception {
        Db db = fresh(schema);
        db.open().close();
        execute(db, "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                + " installed_by, execution_time, success) VALUES (100, '99', 'from the future', 'SQL', 'V99__future.sql', 1,"
                + " 'test', 1, true)");
        assertThat(current(schema, db)).isFalse();
        flyway(schema, db.copy()).migrate(); // what Flyway alone says: a future version is ignored
        try (Database opened = db.open()) {
            assertThat(opened.schemaProblem()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void a_failed_migration_is_not_current_and_refuses_to_open_with_flyways_error(ShippedSchema schema) throws Exception {
        Db db = fresh(schema);
        db.open().close();
        execute(db, "UPDATE flyway_schema_history SET success = false WHERE version = '" + schema.latestVersion() + "'");
        assertThat(current(schema, db)).isFalse();
        String flywaySays = catchMessage(() -> flyway(schema, db.copy()).migrate());
        assertThat(flywaySays).contains("failed");
        assertThatThrownBy(db::open).isInstanceOf(StoreException.class).hasMessageContaining(flywaySays.lines().findFirst().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void an_edited_migration_is_not_current_and_refuses_to_open_with_flyways_error(ShippedSchema schema) throws Exception {
        Db db = fresh(schema);
        db.open().close();
        execute(db, "UPDATE flyway_schema_history SET checksum = checksum + 1 WHERE version = '2'");
        assertThat(current(schema, db)).isFalse();
        String flywaySays = catchMessage(() -> flyway(schema, db.copy()).migrate());
        assertThat(flywaySays).contains("checksum mismatch");
        assertThatThrownBy(db::open).isInstanceOf(StoreException.class).hasMessageContaining(flywaySays.lines().findFirst().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(ShippedSchema.class)
    void a_missing_version_below_the_newest_is_not_current_and_refuses_to_open_with_flyways_error(ShippedSchema schema) throws Exception {
        Db db = fresh(schema);
        db.open().close();
        execute(db, "DELETE FROM flyway_schema_history WHERE version = '2'");
        assertThat(current(schema, db)).isFalse();
        String flywaySays = catchMessage(() -> flyway(schema, db.copy()).migrate());
        assertThat(flywaySays).contains("not applied");
        assertThatThrownBy(db::open).isInstanceOf(StoreException.class).hasMessageContaining(flywaySays.lines().findFirst().orElseThrow());
    }

    private interface Action {
        void run() throws Exception;
    }

    private static String catchMessage(Action action) throws Exception {
        try {
            action.run();
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        throw new AssertionError("Flyway accepted it");
    }
}
