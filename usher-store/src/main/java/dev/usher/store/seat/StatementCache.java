package dev.usher.store.seat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The embedded store's writer statements, each prepared once per connection and bound by position. SQLite runs in
 * this process: a short statement costs a few microseconds to run and more to compile, and the writer runs the same
 * few over and over on one connection from one thread. Going through plain JDBC rather than JDBI matters here too:
 * JDBI's per-query work (parsing the SQL, expanding lists, mapping) cost more than the queries themselves (people
 * were 40 % of the writer thread's time in a cycles profile). Not thread-safe: only the writer uses it.
 */
final class StatementCache {

    private final Map<String, PreparedStatement> prepared = new HashMap<>();
    private Connection connection;

    /** The statement for {@code sql} on {@code c}, with {@code values} bound in order. */
    PreparedStatement bound(Connection c, String sql, Object... values) throws SQLException {
        if (connection != c) {
            prepared.clear(); // the connection they were prepared on is gone
            connection = c;
        }
        PreparedStatement st = prepared.get(sql);
        if (st == null) {
            st = c.prepareStatement(sql);
            prepared.put(sql, st);
        }
        for (int i = 0; i < values.length; i++) {
            switch (values[i]) {
                case null -> st.setNull(i + 1, Types.NULL);
                case String s -> st.setString(i + 1, s);
                case Long l -> st.setLong(i + 1, l);
                case Integer n -> st.setInt(i + 1, n);
                case Instant t -> st.setLong(i + 1, t.toEpochMilli());
                default -> throw new IllegalArgumentException("cannot bind " + values[i].getClass().getSimpleName());
            }
        }
        return st;
    }
}
