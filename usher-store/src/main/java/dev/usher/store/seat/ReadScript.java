package dev.usher.store.seat;

import dev.usher.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Several queries sent to PostgreSQL as one text, their parameters bound as arrays: one round trip
 * for all of them, their result sets read in order. A group of seat decisions holds its pools' locks
 * while it reads, so every round trip saved is time other nodes' decisions wait less.
 */
final class ReadScript {

    /** Handles one row of a query's result. */
    @FunctionalInterface
    interface Rows {
        void row(ResultSet rs) throws SQLException;
    }

    /** An array parameter's elements; the query's {@code CAST(? AS type[])} gives its type (see {@link ArrayLiteral}). */
    record Param(Collection<?> values) {}

    private record Query(String sql, List<Param> params, Rows rows) {}

    private final List<Query> queries = new ArrayList<>();

    /** A query (its {@code ?} placeholders take {@code params} in order, each as an array). */
    ReadScript add(String sql, List<Param> params, Rows rows) {
        queries.add(new Query(sql, params, rows));
        return this;
    }

    /** Strings (for a {@code text[]}); named apart from {@link #longs} only for the reader of the call. */
    static Param texts(Collection<?> values) {
        return new Param(values);
    }

    /** Whole numbers (for a {@code bigint[]}). */
    static Param longs(Collection<?> values) {
        return new Param(values);
    }

    boolean isEmpty() {
        return queries.isEmpty();
    }

    void run(Connection c) {
        if (queries.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (Query q : queries) {
            sql.append(q.sql()).append(";\n");
        }
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            int n = 1;
            for (Query q : queries) {
                for (Param p : q.params()) {
                    ArrayLiteral.bind(st, n++, p.values());
                }
            }
            boolean isResult = st.execute();
            for (int i = 0; i < queries.size(); i++) {
                if (i > 0) {
                    isResult = st.getMoreResults();
                }
                if (!isResult) {
                    throw new IllegalStateException("query " + (i + 1) + " of the read returned no rows: " + queries.get(i).sql());
                }
                try (ResultSet rs = st.getResultSet()) {
                    while (rs.next()) {
                        queries.get(i).rows().row(rs);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("the seats could not be read: " + e.getMessage(), e);
        }
        queries.clear();
    }
}
