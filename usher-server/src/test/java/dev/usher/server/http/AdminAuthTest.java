package dev.usher.server.http;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every admin route needs the admin token; client and operations routes do not. */
class AdminAuthTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private String licenseId;
    private String seatId;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        admin = server.admin();
        licenseId = server.license("demo", "cal", 5);
        seatId = server.client().checkout("s1", "demo", "cal", "alice", "ws1").json().get("seatId").asString();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private record Call(String method, String path, String body) {}

    private List<Call> adminCalls() {
        String anotherLicense = server.vendor().serverAndSeats(server.installationId(), "other", "cal", 3,
                server.now().minus(Duration.ofDays(1)), null);
        return List.of(
                new Call("GET", "/api/v1/licenses", null),
                new Call("POST", "/api/v1/licenses", anotherLicense),
                new Call("GET", "/api/v1/licenses/" + licenseId, null),
                new Call("DELETE", "/api/v1/licenses/" + licenseId, null),
                new Call("GET", "/api/v1/pools", null),
                new Call("GET", "/api/v1/pools/demo/cal/policy", null),
                new Call("PUT", "/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"session\"}"),
                new Call("GET", "/api/v1/seats", null),
                new Call("DELETE", "/api/v1/seats/" + seatId, null),
                new Call("POST", "/api/v1/seats/release", "{\"user\":\"alice\"}"),
                new Call("GET", "/api/v1/sessions", null),
                new Call("GET", "/api/v1/events", null));
    }

    @Test
    void everyAdminRouteIs401WithoutOrWithAWrongTokenAndChangesNothing() {
        String licenses = admin.get("/api/v1/licenses").text();
        String seats = admin.get("/api/v1/seats").text();
        String policy = admin.get("/api/v1/pools/demo/cal/policy").text();

        for (Http caller : List.of(server.client(), admin.withToken("wrong-token-0123456789abcdef"), admin.withToken(""),
                admin.withToken(TestServer.ADMIN_TOKEN + "x"))) {
            for (Call c : adminCalls()) {
                Http.Response r = caller.method(c.method(), c.path(), c.body());
                assertThat(r.status()).as(c.method() + " " + c.path()).isEqualTo(401);
                assertThat(r.contentType()).startsWith("application/problem+json");
                assertThat(r.problemType()).isEqualTo("unauthenticated");
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            }
        }

        assertThat(admin.get("/api/v1/licenses").text()).isEqualTo(licenses);
        assertThat(admin.get("/api/v1/seats").text()).isEqualTo(seats);
        assertThat(admin.get("/api/v1/pools/demo/cal/policy").text()).isEqualTo(policy);
    }

    @Test
    void theTokenMustComeAsABearerToken() {
        for (String header : List.of("Basic " + TestServer.ADMIN_TOKEN, TestServer.ADMIN_TOKEN, "Bearer")) {
            java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.server().localUrl() + "/api/v1/licenses")).header("Authorization", header).GET().build();
            try (var http = java.net.http.HttpClient.newHttpClient()) {
                assertThat(http.send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).as(header).isEqualTo(401);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void withTheTokenEveryAdminRouteAnswers() {
        for (Call c : adminCalls()) {
            Http.Response r = admin.method(c.method(), c.path(), c.body());
            assertThat(r.status()).as(c.method() + " " + c.path() + ": " + r.text()).isBetween(200, 299);
        }
    }

    @Test
    void clientAndOperationsRoutesNeedNoToken() {
        Http client = server.client();
        assertThat(client.get("/healthz").status()).isEqualTo(200);
        assertThat(client.get("/readyz").status()).isEqualTo(200);
        Http.Response inst = client.get("/api/v1/installation");
        assertThat(inst.status()).isEqualTo(200);
        assertThat(inst.json().get("installationId").asString()).isEqualTo(server.installationId());
        assertThat(inst.json().get("trustedKeyIds").toString()).contains(server.vendor().keyId());

        assertThat(client.checkout("s2", "demo", "cal", "bob", "ws2").status()).isEqualTo(201);
        assertThat(client.heartbeat("s2").status()).isEqualTo(200);
        assertThat(client.delete("/api/v1/sessions/s2/checkouts/demo/cal").status()).isEqualTo(204);
        assertThat(client.delete("/api/v1/sessions/s2").status()).isEqualTo(204);
    }
}
