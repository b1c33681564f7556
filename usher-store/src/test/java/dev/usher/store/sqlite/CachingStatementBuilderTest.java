package dev.usher.store.sqlite;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CachingStatementBuilderTest {

    @TempDir
    Path dir;

    /** Named-parameter SQL run through JDBI many times compiles each statement once. */
    @Test
    void reusesPreparedStatementsAcrossJdbiCalls() throws Exception {
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("t.db"));
        CachingStatementBuilder builder = new CachingStatementBuilder();
        Jdbi jdbi = Jdbi.create(ds);
        jdbi.setStatementBuilderFactory(conn -> builder);
        try (Handle h = jdbi.open()) {
            h.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)");
            for (int i = 0; i < 50; i++) {
                h.createUpdate("INSERT INTO t (k, v) VALUES (:k, :v)").bind("k", i).bind("v", "x" + i).execute();
                assertThat(h.createQuery("SELECT v FROM t WHERE k = :k").bind("k", i).mapTo(String.class).one()).isEqualTo("x" + i);
            }
            assertThat(h.createQuery("SELECT COUNT(*) FROM t").mapTo(Integer.class).one()).isEqualTo(50);
        }
        // CREATE, INSERT, SELECT by key, COUNT: four distinct statements, each prepared once.
        assertThat(builder.compiled()).isEqualTo(4);
    }
}
