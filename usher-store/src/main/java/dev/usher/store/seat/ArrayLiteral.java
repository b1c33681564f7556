package dev.usher.store.seat;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.Collection;

/**
 * An array parameter as PostgreSQL's array literal ({@code {"a","b",NULL}} or {@code {1,2}}), bound as a string of
 * unspecified type that the statement's {@code CAST(? AS text[])} (every array parameter of the seat reads and writes
 * has one) turns into the array. It is what PgJDBC sends for {@code setArray} too, in the same text format; PgJDBC
 * builds it by escaping element by element into a growing buffer, which a profile of two nodes found to be 8 % of the
 * group writer's CPU (docs/BENCHMARKS.md), time spent while the group holds its pools' locks. Here the common
 * element (no quote, no backslash) is copied whole into a buffer sized once.
 */
final class ArrayLiteral {

    private ArrayLiteral() {
    }

    /** Binds {@code values} (strings, whole numbers or nulls) at {@code index} as an array literal. */
    static void bind(PreparedStatement st, int index, Object[] values) throws SQLException {
        st.setObject(index, of(values), Types.OTHER);
    }

    static void bind(PreparedStatement st, int index, Collection<?> values) throws SQLException {
        bind(st, index, values.toArray());
    }

    /** The literal: strings quoted (a quote or backslash in one escaped), numbers as digits, null as NULL. */
    static String of(Object[] values) {
        int size = 2;
        for (Object v : values) {
            size += (v instanceof String s ? s.length() + 2 : 20) + 1;
        }
        StringBuilder b = new StringBuilder(size).append('{');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            switch (values[i]) {
                case null -> b.append("NULL");
                case String s -> quoted(b, s);
                case Long n -> b.append(n.longValue());
                case Integer n -> b.append(n.intValue());
                default -> throw new IllegalArgumentException("an array element must be a string or a whole number, not "
                        + values[i].getClass().getSimpleName() + " (in " + Arrays.toString(values) + ")");
            }
        }
        return b.append('}').toString();
    }

    private static void quoted(StringBuilder b, String s) {
        b.append('"');
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append(s, from, i).append('\\');
                from = i; // the character itself goes with the next run
            }
        }
        b.append(s, from, s.length()).append('"');
    }
}
