package dev.usher.store.seat;

import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Array parameters bound as literals reach a real PostgreSQL as exactly the values given, whatever their characters. */
class ArrayLiteralTest {

    private final PostgresDatabase db = PostgresDatabase.open(TestDatabases.newDatabase(), 2);

    @AfterEach
    void close() {
        db.close();
    }

    private List<Object> roundTrip(String type, Object... values) {
        try (var h = db.dedicatedHandle(); PreparedStatement st = h.getConnection().prepareStatement(
                "SELECT v FROM unnest(CAST(? AS " + type + "[])) WITH ORDINALITY AS t(v, n) ORDER BY n")) {
            ArrayLiteral.bind(st, 1, values);
            List<Object> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void stringsArriveAsSentWithQuotesBackslashesBracesAndTheWordNull() {
        Object[] hostile = {"plain", "", " lead and trail ", "a\"quote", "back\\slash", "\\\"", "{braces}", "a,b", "NULL", null,
                "CORP\\alice", "ünïcødé ✓", "line\nbreak", "tab\there", "'single'", "\"", "\\"};
        assertThat(roundTrip("text", hostile)).containsExactlyElementsOf(Arrays.asList(hostile));
    }

    @Test
    void wholeNumbersAndNulls() {
        assertThat(roundTrip("bigint", 1L, -9_223_372_036_854_775_808L, null, 9_223_372_036_854_775_807L, 0L))
                .containsExactly(1L, -9_223_372_036_854_775_808L, null, 9_223_372_036_854_775_807L, 0L);
        assertThat(roundTrip("integer", 7, null, -1)).containsExactly(7, null, -1);
        assertThat(roundTrip("text")).isEmpty();
    }

    @Test
    void theLiteralIsPostgresqlsArraySyntax() {
        assertThat(ArrayLiteral.of(new Object[] {"a\"b", null, "c\\d"})).isEqualTo("{\"a\\\"b\",NULL,\"c\\\\d\"}");
        assertThat(ArrayLiteral.of(new Object[] {1L, 2, null})).isEqualTo("{1,2,NULL}");
        assertThatThrownBy(() -> ArrayLiteral.of(new Object[] {1.5})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not Double");
    }
}
