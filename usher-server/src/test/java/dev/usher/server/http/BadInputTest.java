package dev.usher.server.http;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get a problem+json answer with a status and type that say what is wrong, and change nothing. */
class BadInputTest {

    private static final String CHECKOUT = "/api/v1/sessions/s1/checkouts/demo/cal";

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http client;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 5);
        admin = server.admin();
        client = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static void assertProblem(Http.Response r, int status, String type) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.problemType()).isEqualTo(type);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.json().get("detail").asString()).isNotBlank();
    }

    private void assertNothingCreated() {
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
        assertThat(admin.get("/api/v1/seats").json()).isEmpty();
        assertThat(admin.get("/api/v1/pools").json().get(0).get("inUse").asInt()).isZero();
    }

    @Test
    void unknownRoutesAre404() {
        for (Http caller : List.of(client, admin)) {
            assertProblem(caller.get("/nope"), 404, "not-found");
            assertProblem(caller.get("/api/v1/nope"), 404, "not-found");
            assertProblem(caller.get("/api/v2/licenses"), 404, "not-found");
        }
    }

    @Test
    void wrongMethodsAre405() {
        assertProblem(client.method("DELETE", "/healthz", null), 405, "method-not-allowed");
        assertProblem(client.post("/api/v1/installation", "{}"), 405, "method-not-allowed");
        assertProblem(admin.method("PATCH", "/api/v1/licenses", "{}"), 405, "method-not-allowed");
        assertProblem(client.method("GET", CHECKOUT, null), 405, "method-not-allowed");
    }

    @Test
    void aBodyOverOneMebibyteIs413() {
        String license = server.vendor().serverAndSeats(server.installationId(), "big", "cal", 1,
                server.now().minusSeconds(60), null);
        String before = admin.get("/api/v1/licenses").text();
        // A genuine license padded with pasting whitespace to just over the limit.
        String big = license + " ".repeat(1024 * 1024 + 1 - license.length());
        assertThat(big.length()).isEqualTo(1024 * 1024 + 1);

        assertProblem(admin.post("/api/v1/licenses", big), 413, "request-too-large");
        assertProblem(client.put(CHECKOUT, "{\"user\":\"alice\",\"host\":\"h\",\"client\":\"" + "x".repeat(1024 * 1024) + "\"}"),
                413, "request-too-large");
        assertThat(admin.get("/api/v1/licenses").text()).isEqualTo(before);
        assertNothingCreated();
        // Exactly at the limit is not "too large" (it is then judged as a license: fine after trimming).
        String atLimit = license + " ".repeat(1024 * 1024 - license.length());
        assertThat(admin.post("/api/v1/licenses", atLimit).status()).isNotEqualTo(413);
    }

    @Test
    void malformedJsonIs400SayingWhereItBroke() {
        Http.Response r = client.put(CHECKOUT, "{\"user\": \"alice\",\n \"host\": }");
        assertProblem(r, 400, "validation-failed");
        assertThat(r.json().get("detail").asString()).contains("line 2").contains("column");

        assertProblem(client.put(CHECKOUT, "not json"), 400, "validation-failed");
        assertThat(client.put(CHECKOUT, "not json").json().get("detail").asString()).contains("line").contains("column");
        assertProblem(client.put(CHECKOUT, ""), 400, "validation-failed");
        assertProblem(client.put(CHECKOUT, "null"), 400, "validation-failed");
        assertProblem(client.put(CHECKOUT, "[1,2]"), 400, "validation-failed");
        assertProblem(admin.post("/api/v1/licenses", "{\"text\": "), 400, "validation-failed");
        assertNothingCreated();
    }

    @Test
    void badSessionIdsAre400() {
        for (String session : List.of("bad!id", "with%20space", "x".repeat(129), "%C3%A9t%C3%A9")) {
            Http.Response r = client.checkout(session, "demo", "cal", "alice", "ws1");
            assertProblem(r, 400, "validation-failed");
            assertThat(r.json().get("detail").asString()).contains("session id");
            assertProblem(client.heartbeat(session), 400, "validation-failed");
        }
        assertNothingCreated();
        assertThat(client.checkout("x".repeat(128), "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
    }

    @Test
    void aMissingEmptyOrBlankUserIs400AndCreatesNothing() {
        for (String body : List.of("{\"host\":\"ws1\"}", "{\"user\":null,\"host\":\"ws1\"}", "{\"user\":\"\",\"host\":\"ws1\"}",
                "{\"user\":\"   \",\"host\":\"ws1\"}", "{\"user\":\"\\t\",\"host\":\"ws1\"}")) {
            Http.Response r = client.put(CHECKOUT, body);
            assertProblem(r, 400, "validation-failed");
            assertThat(r.json().get("detail").asString()).as(body).contains("user");
        }
        assertNothingCreated();
    }

    @Test
    void aMissingHostIs400AndCreatesNothing() {
        for (String body : List.of("{\"user\":\"alice\"}", "{\"user\":\"alice\",\"host\":\"\"}", "{\"user\":\"alice\",\"host\":\" \"}")) {
            Http.Response r = client.put(CHECKOUT, body);
            assertProblem(r, 400, "validation-failed");
            assertThat(r.json().get("detail").asString()).as(body).contains("host");
        }
        assertNothingCreated();
    }
}
