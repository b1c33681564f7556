package dev.usher.store.sqlite;

import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.Map;

/**
 * Keeps the writer's prepared statements open for reuse. sqlite-jdbc compiles every statement
 * anew, which costs more than running it for the short statements of a checkout; the writer runs
 * the same dozen statements over and over on one connection from one thread, so each is compiled
 * once. Not thread-safe: only the writer thread uses it.
 */
final class CachingStatementBuilder implements StatementBuilder {

    private final Map<String, PreparedStatement> cache = new HashMap<>();
    // JDBI calls close() with its raw SQL (named parameters), not the parsed SQL create() saw, so
    // cached statements are recognized by identity.
    private final Set<Statement> cached = Collections.newSetFromMap(new IdentityHashMap<>());
    private int compiled;

    /** How many statements were compiled (for tests: each distinct SQL once). */
    int compiled() {
        return compiled;
    }

    @Override
    public Statement create(Connection conn, StatementContext ctx) throws SQLException {
        return conn.createStatement();
    }

    @Override
    public PreparedStatement create(Connection conn, String sql, StatementContext ctx) throws SQLException {
        PreparedStatement ps = cache.get(sql);
        if (ps != null && !ps.isClosed()) {
            ps.clearParameters();
            return ps;
        }
        ps = conn.prepareStatement(sql);
        compiled++;
        PreparedStatement previous = cache.put(sql, ps);
        if (previous != null) {
            cached.remove(previous);
        }
        cached.add(ps);
        return ps;
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        return conn.prepareCall(sql);
    }

    @Override
    public void close(Connection conn, String sql, Statement stmt) throws SQLException {
        if (stmt != null && !cached.contains(stmt)) {
            stmt.close();
        }
    }

    @Override
    public void close(Connection conn) {
        for (PreparedStatement ps : cache.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing the connection next releases it anyway
            }
        }
        cache.clear();
        cached.clear();
    }
}
