package dev.usher.server.cluster;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A shared PostgreSQL is backed up with pg_dump: the API says so instead of producing a partial copy. */
class PostgresBackupTest {

    @TempDir
    Path dir;

    @Test
    void backupOnPostgresqlIsRefusedWithThePgDumpAdvice() {
        try (TestServer server = TestServer.startOnPostgres(dir, c -> c)) {
            server.license("demo", "cal", 2);
            Http.Response r = server.admin().post("/api/v1/backup", "");
            assertThat(r.status()).isEqualTo(501);
            assertThat(r.json().get("type").asString()).isEqualTo("urn:usher:problem:backup-not-supported");
            assertThat(r.json().get("detail").asString()).contains("pg_dump");
            // Nothing changed: the license is still there.
            assertThat(server.admin().get("/api/v1/licenses").status()).isEqualTo(200);
            assertThat(server.admin().get("/api/v1/pools").json().get(0).get("capacity").asInt()).isEqualTo(2);
        }
    }
}
