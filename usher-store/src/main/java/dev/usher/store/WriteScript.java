package dev.usher.store;

import org.jdbi.v3.core.Handle;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes whose results the caller only counts, run in order. On PostgreSQL they go to the database
 * together, in one round trip (the driver sends a multi-statement text at once): a seat decision
 * holds its pool's lock while it talks to the database, so every round trip saved there is time
 * every other node's decisions on that pool do not wait. Elsewhere (SQLite, in-process) they run
 * one by one, exactly as written.
 */
final class WriteScript {

    private static final Pattern NAMED = Pattern.compile("(?<![:\\w]):([A-Za-z_][A-Za-z0-9_]*)");

    private record Statement(String sql, Map<String, Object> binds) {}

    private final boolean together;
    private final List<Statement> statements = new ArrayList<>();

    WriteScript(boolean together) {
        this.together = together;
    }

    /** Adds a statement; {@code binds} are name, value pairs. */
    WriteScript add(String sql, Object... binds) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < binds.length; i += 2) {
            m.put((String) binds[i], binds[i + 1]);
        }
        statements.add(new Statement(sql, m));
        return this;
    }

    /** Runs the statements in order and empties the script; returns each one's update count. */
    int[] run(Handle h) {
        List<Statement> list = List.copyOf(statements);
        statements.clear();
        int[] counts = new int[list.size()];
        if (list.isEmpty()) {
            return counts;
        }
        if (!together || list.size() == 1) {
            for (int i = 0; i < list.size(); i++) {
                counts[i] = h.createUpdate(list.get(i).sql()).bindMap(list.get(i).binds()).execute();
            }
            return counts;
        }
        // One text: each statement's parameters renamed apart (":p" of the third becomes ":p_2").
        StringBuilder sql = new StringBuilder();
        Map<String, Object> binds = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String suffix = "_" + i;
            Matcher m = NAMED.matcher(list.get(i).sql());
            sql.append(m.replaceAll(r -> ":" + r.group(1) + suffix)).append(";\n");
            list.get(i).binds().forEach((k, v) -> binds.put(k + suffix, v));
        }
        return h.createUpdate(sql.toString()).bindMap(binds).execute((supplier, ctx) -> {
            try {
                PreparedStatement st = supplier.get();
                for (int i = 0; i < counts.length; i++) {
                    if (i > 0) {
                        st.getMoreResults();
                    }
                    counts[i] = st.getUpdateCount();
                }
                return counts;
            } catch (SQLException e) {
                throw new StoreException("cannot read the script's results: " + e.getMessage(), e);
            }
        });
    }
}
