package dev.usher.store.seat;

import dev.usher.store.StoreException;
import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.testing.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The set-based writer on a real PostgreSQL: each statement must change exactly the rows it names, and the database
 * checks that itself, so a write that carries the COMMIT in the same round trip commits only when every count was right.
 */
class SetWriterTest {

    private final PostgresDatabase db = PostgresDatabase.open(TestDatabases.newDatabase(), 4);

    @AfterEach
    void close() {
        db.close();
    }

    private static SetWriter.Part insert(int... ids) {
        return new SetWriter.Part("INSERT INTO scratch SELECT * FROM unnest(CAST(? AS integer[]))", ids.length,
                List.of(new SetWriter.Param(java.util.Arrays.stream(ids).boxed().toArray())));
    }

    private List<Integer> stored() {
        return db.read(h -> h.createQuery("SELECT id FROM scratch ORDER BY id").mapTo(Integer.class).list());
    }

    @Test
    void aWriteThatCarriesTheCommitIsStoredAndTheHandleCommitsNothingMore() {
        db.read(h -> h.execute("CREATE TABLE scratch (id integer PRIMARY KEY)"));
        try (Handle h = db.dedicatedHandle()) {
            h.begin();
            SetWriter.run(h.getConnection(), List.of(insert(1, 2)), () -> true);
            assertThat(stored()).as("visible to another connection before the handle's own commit").containsExactly(1, 2);
            h.commit(); // the driver knows the transaction ended: nothing is sent, nothing fails
            h.begin();
            h.execute("INSERT INTO scratch VALUES (3)");
            h.rollback();
        }
        assertThat(stored()).containsExactly(1, 2);
    }

    @Test
    void aStatementThatChangesOtherRowsThanItNamesUndoesTheWholeWriteAndItsCommit() {
        db.read(h -> h.execute("CREATE TABLE scratch (id integer PRIMARY KEY)"));
        db.read(h -> h.execute("INSERT INTO scratch VALUES (1), (2)"));
        try (Handle h = db.dedicatedHandle()) {
            h.begin();
            SetWriter.Part deleteTwo = new SetWriter.Part("DELETE FROM scratch WHERE id = ANY(CAST(? AS integer[]))", 2,
                    List.of(new SetWriter.Param(new Object[] {1, 99})));
            assertThatThrownBy(() -> SetWriter.run(h.getConnection(), List.of(insert(7), deleteTwo, insert(8)), () -> true))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("the seat changes wrote 1 rows instead of 2 in: DELETE FROM scratch");
            h.rollback();
        }
        assertThat(stored()).as("neither the statements before nor after it, nor the COMMIT").containsExactly(1, 2);
    }

    @Test
    void withoutTheCommitTheTransactionStaysOpen() {
        db.read(h -> h.execute("CREATE TABLE scratch (id integer PRIMARY KEY)"));
        try (Handle h = db.dedicatedHandle()) {
            h.begin();
            SetWriter.run(h.getConnection(), List.of(insert(5)), () -> false);
            assertThat(stored()).isEmpty();
            h.rollback();
        }
        assertThat(stored()).isEmpty();
    }

    @Test
    void writesOfEveryGroupSizeShareOneStatementThatTheServerPreparesOnce() {
        // The driver prepares a text on the server once it has run five times; a count in the text made each group
        // size a text of its own, parsed and planned anew while the group held its pools' locks.
        db.read(h -> h.execute("CREATE TABLE scratch (id integer PRIMARY KEY)"));
        try (Handle h = db.dedicatedHandle()) {
            for (int size = 1; size <= 8; size++) {
                h.begin();
                int[] ids = java.util.stream.IntStream.rangeClosed(size * 100, size * 100 + size - 1).toArray();
                SetWriter.run(h.getConnection(), List.of(insert(ids)), () -> true);
                h.commit();
            }
            assertThat(h.createQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO scratch%'")
                    .mapTo(Integer.class).one()).as("server-side statements of the write").isEqualTo(1);
        }
        assertThat(stored()).hasSize(36);
    }
}
