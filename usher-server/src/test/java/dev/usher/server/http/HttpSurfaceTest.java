package dev.usher.server.http;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.RawHttp;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP surface an outsider reaches: method tricks, made-up methods, HEAD, 405, Jetty's own
 * errors, content types, Retry-After and the words of error details (issue 17, points 1-8).
 */
class HttpSurfaceTest {

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

    private String base() {
        return server.server().localUrl();
    }

    private static void assertProblem(int status, String contentType, String body, int expectedStatus, String type) {
        assertThat(status).as(body).isEqualTo(expectedStatus);
        assertThat(contentType).isEqualToIgnoringCase("application/problem+json;charset=utf-8");
        JsonNode json = Http.JSON.readTree(body);
        assertThat(json.get("type").asString()).isEqualTo("urn:usher:problem:" + type);
        assertThat(json.get("status").asInt()).isEqualTo(expectedStatus);
        assertThat(json.get("detail").asString()).isNotBlank();
    }

    @Test
    void methodOverrideHeadersAreIgnored() {
        String id = server.license("other", "cal", 1);
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            Http.Response got = admin.withHeader(header, "DELETE").get("/api/v1/licenses/" + id);
            assertThat(got.status()).as(header).isEqualTo(200);
            assertThat(got.json().get("id").asString()).isEqualTo(id);
        }
        assertThat(admin.get("/api/v1/licenses/" + id).status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/events?limit=100").text()).doesNotContain("license-removed");

        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        Http.Response beat = client.withHeader("X-HTTP-Method-Override", "DELETE").post("/api/v1/sessions/s1", "");
        assertThat(beat.status()).isEqualTo(405);
        assertThat(admin.get("/api/v1/sessions").json()).hasSize(1);
    }

    @Test
    void madeUpMethodsAndPathsDoNotGrowTheMetrics() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Random random = new Random(17);
        List<String> paths = List.of("/healthz", "/api/v1/seats", CHECKOUT, "/api/v1/sessions/x/heartbeat", "/metrics", "/nope");
        // Warm up: the one series a refused made-up request is counted in (OTHER, unmatched, 4xx) exists.
        send(http, "ZZ1", "/healthz");
        send(http, "ZZ2", "/no/such/path");
        httpSeries(); // and the one of GET /metrics
        java.util.Set<String> before = httpSeries();
        AtomicInteger sent = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            long seed = random.nextLong();
            threads.add(Thread.ofVirtual().start(() -> {
                Random r = new Random(seed);
                for (int i = 0; i < 2_500; i++) {
                    String method = "X" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36).toUpperCase(java.util.Locale.ROOT);
                    String path = r.nextBoolean() ? paths.get(r.nextInt(paths.size()))
                            : "/" + Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + "/" + r.nextInt(1000);
                    int status = send(http, method, path);
                    assertThat(status).as(method + " " + path).isBetween(400, 499);
                    sent.incrementAndGet();
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(sent.get()).isEqualTo(10_000);
        assertThat(httpSeries()).isEqualTo(before);
        assertThat(client.get("/metrics").text()).contains("method=\"OTHER\"").doesNotContain("method=\"ZZ1\"");
    }

    private int send(HttpClient http, String method, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base() + path)).method(method, HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path, e);
        }
    }

    /** The label sets of the request timer: one per series. */
    private java.util.Set<String> httpSeries() {
        return client.get("/metrics").text().lines().filter(l -> l.startsWith("usher_http_request_duration_seconds_count{"))
                .map(l -> l.substring(l.indexOf('{'), l.indexOf('}') + 1)).collect(java.util.stream.Collectors.toSet());
    }

    @Test
    void headNeedsTheCredentialsGetNeeds() {
        for (String route : server.server().routes()) {
            if (!route.startsWith("GET /api/v1/") || route.contains("{")) {
                continue;
            }
            String path = route.substring(4);
            Http.Response get = client.get(path);
            Http.Response head = client.method("HEAD", path, null);
            assertThat(head.status()).as("HEAD " + path).isEqualTo(get.status());
            if (get.status() == 401) {
                assertThat(head.headers().firstValue("WWW-Authenticate")).as(path).isPresent();
            }
        }
        assertThat(client.method("HEAD", "/api/v1/seats", null).status()).isEqualTo(401);
        Http.Response allowed = admin.method("HEAD", "/api/v1/seats", null);
        assertThat(allowed.status()).isEqualTo(200);
        assertThat(allowed.text()).isEmpty();
    }

    @Test
    void aMethodNotAllowedSaysWhichAre() {
        String id = server.license("other", "cal", 1);
        for (String method : List.of("TRACE", "PATCH", "OPTIONS", "POST")) {
            Http.Response r = admin.method(method, "/api/v1/seats", null);
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.headers().firstValue("Allow")).as(method).contains("GET, HEAD");
        }
        assertThat(admin.method("PUT", "/api/v1/licenses/" + id, "{}").headers().firstValue("Allow")).contains("GET, HEAD, DELETE");
        assertThat(client.method("GET", CHECKOUT, null).headers().firstValue("Allow")).contains("PUT, DELETE");
    }

    @Test
    void jettysOwnErrorsAreProblemJsonInUtf8() {
        record Case(String name, String head, int status, String type) {}
        List<Case> cases = List.of(
                new Case("bad percent-encoding", "POST /api/v1/sessions/%zz/heartbeat HTTP/1.1", 400, "bad-request"),
                new Case("%00 in the path", "POST /api/v1/sessions/a%00b/heartbeat HTTP/1.1", 400, "bad-request"),
                new Case("request line over 8 KB", "GET /" + "a".repeat(9000) + " HTTP/1.1", 414, "uri-too-long"),
                new Case("headers over 8 KB", "GET /healthz HTTP/1.1\r\nX-Big: " + "a".repeat(9000), 431, "headers-too-large"),
                new Case("CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1", 400, "bad-request"));
        for (Case c : cases) {
            RawHttp.Response r = RawHttp.exchange(base(), c.head(), null);
            assertThat(r.status()).as(c.name() + ": " + r.body()).isEqualTo(c.status());
            assertProblem(r.status(), r.header("Content-Type"), r.body(), c.status(), c.type());
            assertThat(r.body()).as(c.name()).doesNotContain("<html").doesNotContain("org.eclipse");
        }
    }

    @Test
    void jsonEndpointsRefuseOtherContentTypes() {
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=iso-8859-1", null}) {
            String head = "PUT " + CHECKOUT + " HTTP/1.1" + (type == null ? "" : "\r\nContent-Type: " + type);
            RawHttp.Response r = RawHttp.exchange(base(), head, "{\"user\":\"alice\",\"host\":\"ws1\",\"client\":\"t\"}");
            assertProblem(r.status(), r.header("Content-Type"), r.body(), 415, "unsupported-media-type");
        }
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        // A heartbeat has no body: without a Content-Type it is fine, with a form's it is refused.
        assertThat(RawHttp.exchange(base(), "POST /api/v1/sessions/s1/heartbeat HTTP/1.1", null).status()).isEqualTo(200);
        RawHttp.Response form = RawHttp.exchange(base(), "POST /api/v1/sessions/s1/heartbeat HTTP/1.1\r\nContent-Type: text/plain", "");
        assertThat(form.status()).isEqualTo(415);
        // License text may come as text/plain.
        String text = server.vendor().serverAndSeats(server.installationId(), "txt", "cal", 1, server.now().minusSeconds(60), null);
        RawHttp.Response license = RawHttp.exchange(base(), "POST /api/v1/licenses HTTP/1.1\r\nAuthorization: Bearer "
                + TestServer.ADMIN_TOKEN + "\r\nContent-Type: text/plain; charset=utf-8", text);
        assertThat(license.status()).as(license.body()).isEqualTo(201);
    }

    @Test
    void retryAfterIsRoundedUp() {
        admin.post("/api/v1/users", "{\"name\":\"carol\",\"password\":\"carol-password-1\"}");
        String wrong = "{\"user\":\"carol\",\"password\":\"guess-guess-1\"}";
        assertThat(client.post("/api/v1/auth/sign-in", wrong).status()).isEqualTo(401);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(client.post("/api/v1/auth/sign-in", wrong).status()).isEqualTo(401); // now 2 s to wait
        server.clock().advance(Duration.ofMillis(500));
        Http.Response throttled = client.post("/api/v1/auth/sign-in", wrong);
        assertThat(throttled.status()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).contains("2"); // 1.5 s left
        assertThat(throttled.json().get("detail").asString()).contains("wait 2 s");
        server.clock().advance(Duration.ofSeconds(2));
        assertThat(client.post("/api/v1/auth/sign-in", wrong).status()).isEqualTo(401);
    }

    @Test
    void errorDetailsNameTheMemberInTheApisWords() {
        record Case(String body, String detail) {}
        for (Case c : List.of(
                new Case("{\"user\":12345,\"host\":\"ws1\"}", "member 'user' must be a string, not the number 12345"),
                new Case("{\"user\":\"alice\",\"host\":true}", "member 'host' must be a string, not true"),
                new Case("{\"user\":[\"alice\"],\"host\":\"ws1\"}", "member 'user' must be a string, not an array"),
                new Case("[1]", "the request body must be a JSON object, not an array"),
                new Case("{\"user\":\"alice\",\"host\":\"ws1\",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", "deeper than 32 levels"))) {
            Http.Response r = client.put(CHECKOUT, c.body());
            assertThat(r.status()).as(c.body()).isEqualTo(400);
            assertThat(r.json().get("detail").asString()).as(c.body()).contains(c.detail());
            assertThat(r.text()).doesNotContain("dev.usher").doesNotContain("java.").doesNotContain("Constraints")
                    .doesNotContain("`").doesNotContain("malformed JSON");
        }
        Http.Response until = client.post(CHECKOUT + "/borrow", "{\"until\":\"next week\"}");
        assertThat(until.json().get("detail").asString())
                .isEqualTo("member 'until' must be a date-time string such as 2026-06-01T12:00:00Z, not the string 'next week'");
        assertThat(client.post(CHECKOUT + "/borrow", "{\"until\":1767225600}").json().get("detail").asString())
                .contains("member 'until' must be a date-time string");
    }
}
