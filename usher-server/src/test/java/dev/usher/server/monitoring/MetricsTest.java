package dev.usher.server.monitoring;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code GET /metrics} of a real server after real checkouts, refusals, releases and expiries: the
 * numbers, the label sets, and (when promtool is installed; required on CI) that Prometheus accepts
 * the text and the example alert rules.
 */
class MetricsTest {

    private static final String CHECKOUT_ROUTE = "/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}";

    @TempDir
    Path dir;

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void countsWhatTheSeatEngineDecidedAndShowsPoolsAndLicenses() throws Exception {
        server = TestServer.start(dir);
        String licenseId = server.license("demo", "cal", 2);
        Http client = server.client();
        assertThat(client.checkout("s1", "demo", "cal", "alice", "h1").status()).isEqualTo(201);
        assertThat(client.checkout("s1", "demo", "cal", "alice", "h1").status()).isEqualTo(200); // kept: not a grant
        assertThat(client.checkout("s2", "demo", "cal", "bob", "h2").status()).isEqualTo(201);
        assertThat(client.checkout("s3", "demo", "cal", "carol", "h3").status()).isEqualTo(409);
        assertThat(client.checkout("s4", "nope", "cal", "carol", "h3").status()).isEqualTo(404);

        String text = scrape(server.client());
        assertThat(value(text, "usher_seat_grants_total", Map.of("product", "demo", "feature", "cal"))).isEqualTo(2);
        assertThat(value(text, "usher_seat_denials_total", Map.of("product", "demo", "feature", "cal", "reason", "no-seats-available"))).isEqualTo(1);
        // An unknown pool's names are the client's words, so they are not labels.
        assertThat(value(text, "usher_seat_denials_total", Map.of("reason", "unknown-pool"))).isEqualTo(1);
        assertThat(text).doesNotContain("product=\"nope\"");
        assertThat(value(text, "usher_pool_capacity_seats", Map.of("product", "demo", "feature", "cal"))).isEqualTo(2);
        assertThat(value(text, "usher_pool_in_use_seats", Map.of("product", "demo", "feature", "cal"))).isEqualTo(2);
        assertThat(value(text, "usher_pool_borrowed_seats", Map.of("product", "demo", "feature", "cal"))).isZero();
        assertThat(value(text, "usher_pool_queue_length", Map.of("product", "demo", "feature", "cal"))).isZero();
        assertThat(value(text, "usher_sessions_live", Map.of())).isEqualTo(2);
        // TestServer.license: valid from yesterday for 365 days.
        long expires = server.now().plus(Duration.ofDays(365)).getEpochSecond();
        assertThat(value(text, "usher_license_expiry_timestamp_seconds",
                Map.of("license_id", licenseId, "product", "demo", "feature", "cal"))).isEqualTo(expires);
        assertThat(value(text, "usher_server_entitlement_expiry_timestamp_seconds", Map.of("product", "demo"))).isEqualTo(expires);

        // Give back one by checkin, end the other session, let a third lapse.
        assertThat(client.delete("/api/v1/sessions/s1/checkouts/demo/cal").status()).isEqualTo(204);
        assertThat(client.delete("/api/v1/sessions/s2").status()).isEqualTo(204);
        assertThat(client.checkout("s5", "demo", "cal", "dave", "h5").status()).isEqualTo(201);
        server.clock().advance(Duration.ofMinutes(3));
        assertThat(server.server().sweeper().sweep()).isEqualTo(1);

        text = scrape(server.client());
        assertThat(value(text, "usher_seat_grants_total", Map.of("product", "demo", "feature", "cal"))).isEqualTo(3);
        assertThat(value(text, "usher_seat_releases_total", Map.of("how", "checkin"))).isEqualTo(1);
        assertThat(value(text, "usher_seat_releases_total", Map.of("how", "session-end"))).isEqualTo(1);
        assertThat(value(text, "usher_seat_releases_total", Map.of("how", "admin"))).isZero();
        assertThat(value(text, "usher_seat_expiries_total", Map.of())).isEqualTo(1);
        assertThat(value(text, "usher_pool_in_use_seats", Map.of("product", "demo", "feature", "cal"))).isZero();
        assertThat(value(text, "usher_sessions_live", Map.of())).isZero();

        // Requests by route template: five checkouts answered 2xx, three 4xx, none labelled with a session id.
        assertThat(value(text, "usher_http_request_duration_seconds_count",
                Map.of("method", "PUT", "route", CHECKOUT_ROUTE, "status", "2xx"))).isEqualTo(4);
        assertThat(value(text, "usher_http_request_duration_seconds_count",
                Map.of("method", "PUT", "route", CHECKOUT_ROUTE, "status", "4xx"))).isEqualTo(2);
        assertThat(value(text, "usher_http_request_duration_seconds_bucket",
                Map.of("method", "PUT", "route", CHECKOUT_ROUTE, "status", "2xx", "le", "+Inf"))).isEqualTo(4);
        assertThat(text).doesNotContain("route=\"/api/v1/sessions/s1");
        // The JVM and the store's read pool are there too.
        assertThat(value(text, "jvm_threads_live_threads", Map.of())).isPositive();
        assertThat(value(text, "process_uptime_seconds", Map.of())).isPositive();
        String pool = server.databaseUrl() == null ? "usher-sqlite-readers" : "usher-postgresql";
        assertThat(text).contains("jvm_memory_used_bytes{", "jvm_gc_", "hikaricp_connections{pool=\"" + pool + "\"}");

        promtool(text, "check", "metrics");
    }

    @Test
    void anExpiredLicenseIsNotListedAndAdminReleasesAreCounted() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 3);
        Http client = server.client();
        assertThat(client.checkout("a", "demo", "cal", "alice", "h").status()).isEqualTo(201);
        assertThat(client.checkout("b", "demo", "cal", "bob", "h").status()).isEqualTo(201);
        String seat = null;
        for (var s : server.admin().get("/api/v1/seats").json()) {
            if (s.get("user").asString().equals("alice")) {
                seat = s.get("seatId").asString();
            }
        }
        assertThat(server.admin().delete("/api/v1/seats/" + seat).status()).isEqualTo(204);
        assertThat(server.admin().post("/api/v1/seats/release", "{\"user\":\"bob\"}").status()).isEqualTo(200);
        server.clock().advance(Duration.ofDays(400));

        String text = scrape(server.client());
        assertThat(value(text, "usher_seat_releases_total", Map.of("how", "admin"))).isEqualTo(2);
        assertThat(text).doesNotContain("usher_license_expiry_timestamp_seconds{");
        assertThat(text).doesNotContain("usher_server_entitlement_expiry_timestamp_seconds{");
        assertThat(value(text, "usher_pool_capacity_seats", Map.of("product", "demo", "feature", "cal"))).isZero();
    }

    @Test
    void aMetricsTokenProtectsTheScrape() {
        String token = "metrics-token-0123456789";
        server = TestServer.start(dir, new MonitoringConfig(token, MonitoringConfig.AccessLog.OFF));
        Http.Response anonymous = server.client().get("/metrics");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.problemType()).isEqualTo("unauthenticated");
        assertThat(server.client().withToken("wrong-token-0123456789").get("/metrics").status()).isEqualTo(401);
        // The admin token is not the metrics token: a scraper holds no admin rights, and the reverse.
        assertThat(server.admin().get("/metrics").status()).isEqualTo(401);
        Http.Response ok = server.client().withToken(token).get("/metrics");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.contentType()).startsWith("text/plain; version=0.0.4");
    }

    @Test
    void theAlertRulesAreValidPrometheusRules() throws Exception {
        Path rules = repoRoot().resolve("docs/alerts/usher-rules.yml");
        assertThat(rules).exists();
        promtool(null, "check", "rules", rules.toString());
        promtool(null, "test", "rules", repoRoot().resolve("docs/alerts/usher-rules.test.yml").toString());
    }

    private static String scrape(Http http) {
        Http.Response r = http.get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/plain; version=0.0.4");
        return r.text();
    }

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The value of the one sample of {@code name} whose labels include {@code labels}; fails if none or several. */
    static double value(String text, String name, Map<String, String> labels) {
        List<Double> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> have = new java.util.HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    have.put(l.group(1), l.group(2));
                }
            }
            if (have.entrySet().containsAll(labels.entrySet())) {
                found.add(Double.parseDouble(m.group(4)));
            }
        }
        if (found.size() != 1) {
            fail("expected one sample " + name + labels + ", found " + found.size() + " in:\n" + text);
        }
        return found.getFirst();
    }

    /**
     * Runs promtool on {@code stdin} (when given). Without promtool the check is skipped locally and
     * fails on CI, where .ci/run installs it.
     */
    static void promtool(String stdin, String... args) throws IOException, InterruptedException {
        String promtool = findOnPath("promtool");
        if (promtool == null) {
            if ("true".equals(System.getenv("CI"))) {
                fail("promtool is not installed (apt-get install prometheus); CI must check the metrics with it");
            }
            System.err.println("promtool not found: skipping `promtool " + String.join(" ", args) + "`");
            return;
        }
        List<String> command = new ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("promtool " + String.join(" ", args) + " said:\n" + out).isZero();
        // check metrics exits 0 with lint findings too; any output is a finding.
        if (args[1].equals("metrics")) {
            assertThat(out).as("promtool check metrics findings").isBlank();
        }
    }

    private static String findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("mvnw"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
