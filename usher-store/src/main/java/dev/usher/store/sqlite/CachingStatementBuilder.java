package dev.usher.store.sqlite;

import org.jdbi.v3.core.statement.StatementBuilder;
import org.jdbi.v3.core.statement.StatementContext;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps the writer's prepared statements open for reuse. sqlite-jdbc compiles every statement
 * anew, which costs more than running it for the short statements of a checkout; the writer runs
 * the same dozen statements over and over on one connection from one thread, so each is compiled
 * once. Not thread-safe: only the writer thread uses it.
 */
final class CachingStatementBuilder implements StatementBuilder {

    private final Map<String, PreparedStatement> cache = new HashMap<>();

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
        cache.put(sql, ps);
        return ps;
    }

    @Override
    public CallableStatement createCall(Connection conn, String sql, StatementContext ctx) throws SQLException {
        return conn.prepareCall(sql);
    }

    @Override
    public void close(Connection conn, String sql, Statement stmt) throws SQLException {
        if (stmt != null && (sql == null || cache.get(sql) != stmt)) {
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
    }
}
