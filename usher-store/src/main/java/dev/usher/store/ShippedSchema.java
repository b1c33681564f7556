package dev.usher.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The migrations this build ships for each store, written down so that a start on a database that
 * already has exactly them does not need Flyway: building Flyway, scanning the classpath for
 * migrations and validating them costs about a second of class loading on every start, for nothing
 * when there is nothing to do.
 *
 * <p>Each migration is its version and Flyway's checksum of its script, so a database is current
 * only when every shipped migration was applied successfully with the same script, nothing else was
 * applied and nothing failed. Anything else (an empty database, an older one, one a newer Usher
 * migrated, a failed or edited migration) goes through Flyway exactly as before, with its errors.
 * {@code ShippedSchemaTest} compares these lists with what Flyway finds in {@code db/sqlite} and
 * {@code db/postgresql}, so a new migration cannot be forgotten here.
 */
public enum ShippedSchema {

    SQLITE("db/sqlite",
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'flyway_schema_history'",
            Map.ofEntries(
                    Map.entry("1", -1374012306), Map.entry("2", -2017924417), Map.entry("3", 1013331172),
                    Map.entry("4", -1135340744), Map.entry("5", -2084519463), Map.entry("6", 451987241),
                    Map.entry("7", 881957150), Map.entry("8", -276614538), Map.entry("10", 1448287749))),

    POSTGRESQL("db/postgresql",
            // The search path decides where Flyway put its table, so ask the same way it resolves names.
            "SELECT count(*) FROM (SELECT to_regclass('flyway_schema_history') AS t) r WHERE t IS NOT NULL",
            Map.ofEntries(
                    Map.entry("1", -1136792962), Map.entry("2", 1937482102), Map.entry("3", 218086174),
                    Map.entry("3.1", 833804015), Map.entry("4", -513282949), Map.entry("5", 1579009946),
                    Map.entry("6", 1243512616), Map.entry("6.1", -579148192), Map.entry("7", -2081593880),
                    Map.entry("8", 306876711), Map.entry("9", -1617182866), Map.entry("10", 2115557301)));

    private final String location;
    private final String historyExists;
    private final Map<String, Integer> checksums;

    ShippedSchema(String location, String historyExists, Map<String, Integer> checksums) {
        this.location = location;
        this.historyExists = historyExists;
        this.checksums = checksums;
    }

    /** Where the migration scripts are on the classpath, as Flyway's {@code locations} wants it. */
    public String flywayLocation() {
        return "classpath:" + location;
    }

    /** Each shipped migration's version (Flyway's spelling: {@code 3.1}) and the checksum Flyway records for it. */
    public Map<String, Integer> checksums() {
        return checksums;
    }

    /** The newest shipped version, as Flyway spells it. */
    public String latestVersion() {
        return checksums.keySet().stream().max(ShippedSchema::compareVersions).orElseThrow();
    }

    /**
     * Whether the database behind {@code c} has exactly the shipped migrations, all successful, and no
     * failed one: then there is nothing for Flyway to do. Reads only; false on anything unexpected, so
     * that Flyway looks (and reports) instead.
     */
    public boolean isCurrent(Connection c) {
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(historyExists)) {
                if (!rs.next() || rs.getInt(1) == 0) {
                    return false;
                }
            }
            Map<String, Integer> applied = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT version, checksum, success FROM flyway_schema_history")) {
                while (rs.next()) {
                    if (!rs.getBoolean(3)) {
                        return false;
                    }
                    String version = rs.getString(1);
                    if (version == null) {
                        continue; // repeatable migrations: none are shipped, and Flyway would re-run a changed one
                    }
                    int checksum = rs.getInt(2);
                    if (rs.wasNull() || applied.put(version, checksum) != null) {
                        return false;
                    }
                }
            }
            return applied.equals(checksums);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Flyway's order of versions: dot-separated numbers, compared part by part. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }
}
