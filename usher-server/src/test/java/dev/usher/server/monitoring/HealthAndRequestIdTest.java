package dev.usher.server.monitoring;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.DriverManager;

import static org.assertj.core.api.Assertions.assertThat;

/** Health endpoints, and request ids from the client's header to the response and every problem body. */
class HealthAndRequestIdTest {

    @TempDir
    Path dir;

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aSaneRequestIdIsEchoedInTheHeaderAndTheProblemBody() {
        Http.Response r = server.client().withHeader("X-Request-Id", "client-42:abc/7").heartbeat("nobody");
        assertThat(r.status()).isEqualTo(410);
        assertThat(r.headers().firstValue("X-Request-Id")).hasValue("client-42:abc/7");
        assertThat(r.json().get("requestId").asString()).isEqualTo("client-42:abc/7");
    }

    @Test
    void anInsaneOrMissingRequestIdIsReplacedByAGeneratedOne() {
        String tooLong = "x".repeat(129);
        for (Http http : new Http[] {server.client(), server.client().withHeader("X-Request-Id", "two words"),
                server.client().withHeader("X-Request-Id", "quote\"d"), server.client().withHeader("X-Request-Id", tooLong)}) {
            Http.Response r = http.get("/api/v1/no-such-thing");
            assertThat(r.status()).isEqualTo(404);
            String id = r.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).matches("[0-9a-f]{16}");
            assertThat(r.json().get("requestId").asString()).isEqualTo(id);
        }
        // Successful answers carry one too, and two requests never share it.
        String a = server.client().get("/healthz").headers().firstValue("X-Request-Id").orElseThrow();
        String b = server.client().get("/healthz").headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void healthzSaysAliveAndReadyzChecksTheStoreAndItsSchema() throws Exception {
        assertThat(server.client().get("/healthz").json().get("status").asString()).isEqualTo("ok");
        Http.Response ready = server.client().get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asString()).isEqualTo("ready");

        // The database file is swapped for one of an older schema under the running server (a restored
        // backup, say): not ready, and it says why.
        String url = "jdbc:sqlite:" + dir.resolve("usher.db").toAbsolutePath();
        String latest;
        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            var rs = s.executeQuery("SELECT version FROM flyway_schema_history ORDER BY installed_rank DESC LIMIT 1");
            rs.next();
            latest = rs.getString(1);
            s.executeUpdate("UPDATE flyway_schema_history SET success = 0 WHERE version = '" + latest + "'");
        }
        Http.Response stale = server.client().get("/readyz");
        assertThat(stale.status()).isEqualTo(503);
        assertThat(stale.json().get("status").asString()).startsWith("schema not current").contains(latest);

        try (var c = DriverManager.getConnection(url); var s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET success = 1 WHERE version = '" + latest + "'");
        }
        assertThat(server.client().get("/readyz").status()).isEqualTo(200);
    }
}
