package dev.usher.store.sqlite;

import dev.usher.store.ShippedSchema;
import dev.usher.store.StoreException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

/**
 * What an Usher SQLite file is, checked before it replaces a data directory's database (restore):
 * an intact SQLite database that Usher made, with a schema this Usher can open.
 *
 * @param schemaVersion the newest migration applied to it
 * @param installationId the installation it belongs to
 */
public record SqliteFile(Path file, int schemaVersion, String installationId) {

    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Reads {@code file} without changing it; a one-sentence {@link StoreException} when it is not a usable Usher database. */
    public static SqliteFile inspect(Path file) {
        byte[] header = new byte[MAGIC.length];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(header, 0, header.length) < header.length || !Arrays.equals(header, MAGIC)) {
                throw new StoreException(file + " is not an SQLite database (an Usher backup is one)", null);
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new StoreException(file + " does not exist", e);
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
        NativeLibrary.prepare();
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equals(result)) {
                    throw new StoreException(file + " is damaged (SQLite quick_check: " + result + ")", null);
                }
            }
            if (!hasTable(st, "flyway_schema_history") || !hasTable(st, "settings")) {
                throw new StoreException(file + " is an SQLite database but not Usher's (no Usher schema in it)", null);
            }
            int version;
            try (ResultSet rs = st.executeQuery(
                    "SELECT max(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success = 1 AND version IS NOT NULL")) {
                version = rs.next() ? rs.getInt(1) : 0;
            }
            String installation;
            try (ResultSet rs = st.executeQuery("SELECT value FROM settings WHERE key = 'installation.id'")) {
                installation = rs.next() ? rs.getString(1) : null;
            }
            if (version == 0 || installation == null) {
                throw new StoreException(file + " is an Usher database that was never fully set up (no schema version or installation id)", null);
            }
            int known = latestSchemaVersion();
            if (version > known) {
                throw new StoreException(file + " was made by a newer Usher (schema version " + version
                        + "; this Usher knows up to " + known + "): restore it with that version or newer", null);
            }
            return new SqliteFile(file, version, installation);
        } catch (SQLException e) {
            throw new StoreException("cannot read " + file + " as a database: " + e.getMessage(), e);
        }
    }

    private static boolean hasTable(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + name + "'")) {
            return rs.next();
        }
    }

    /** The newest migration this build ships. */
    public static int latestSchemaVersion() {
        return Integer.parseInt(ShippedSchema.SQLITE.latestVersion());
    }
}
