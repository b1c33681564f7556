package dev.usher.cli.logging;

import dev.usher.server.monitoring.MonitoringConfig;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The log lines of a real server through Usher's SLF4J backend: one line per event, the request id in
 * the access log and in the response, human by default and JSON on request.
 */
class LogLinesTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private TestServer server;

    @AfterEach
    void restore() {
        if (server != null) {
            server.close();
        }
        LogLines.redirect(null);
        LogLines.setFormat(LogFormat.HUMAN);
    }

    private List<String> lines() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The access line is written once the response is out, so wait for it (bounded). */
    private String awaitLine(Predicate<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String l : lines()) {
                if (what.test(l)) {
                    return l;
                }
            }
            Thread.sleep(20);
        }
        return fail("no such log line in:\n" + String.join("\n", lines()));
    }

    @Test
    void usherIsTheOnlyBackendAndLibrariesAreQuiet() {
        assertThat(LoggerFactory.getILoggerFactory().getClass().getName()).startsWith(LineLoggerProvider.class.getName());
        assertThat(LoggerFactory.getLogger("org.eclipse.jetty.server.Server").isInfoEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("dev.usher.server.http.HttpApi").isInfoEnabled()).isTrue();
    }

    @Test
    void humanLinesCarryTheRequestIdOfARefusal() throws Exception {
        LogLines.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        server = TestServer.start(dir); // access log: refusals and failures only
        Http.Response ok = server.client().get("/healthz");
        Http.Response refused = server.client().withHeader("X-Request-Id", "ticket-1234").heartbeat("gone");
        assertThat(refused.status()).isEqualTo(410);

        String line = awaitLine(l -> l.contains("ticket-1234"));
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000 \\[INFO] access - "
                + "POST /api/v1/sessions/gone/heartbeat 410 \\d+\\.\\d ms from 127\\.0\\.0\\.1 requestId=ticket-1234");
        String okId = ok.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(lines()).noneMatch(l -> l.contains(okId)); // a 200 is not logged under --access-log errors
    }

    @Test
    void jsonLinesAreOneObjectPerEventWithTheRequestFields() throws Exception {
        LogLines.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LogLines.setFormat(LogFormat.JSON);
        server = TestServer.start(dir, new MonitoringConfig(null, MonitoringConfig.AccessLog.ALL));
        server.license("demo", "cal", 1);
        assertThat(server.client().withHeader("X-Request-Id", "req-a").checkout("s1", "demo", "cal", "alice", "h").status()).isEqualTo(201);
        assertThat(server.client().withHeader("X-Request-Id", "req-b").checkout("s2", "demo", "cal", "bob", "h").status()).isEqualTo(409);
        LoggerFactory.getLogger("dev.usher.test").warn("two\nlines \"quoted\"", new IllegalStateException("boom"));

        JsonNode granted = Http.JSON.readTree(awaitLine(l -> l.contains("\"req-a\"")));
        assertThat(granted.get("logger").asString()).isEqualTo("usher.access");
        assertThat(granted.get("level").asString()).isEqualTo("INFO");
        assertThat(granted.get("method").asString()).isEqualTo("PUT");
        assertThat(granted.get("path").asString()).isEqualTo("/api/v1/sessions/s1/checkouts/demo/cal");
        assertThat(granted.get("route").asString()).isEqualTo("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}");
        assertThat(granted.get("status").asInt()).isEqualTo(201);
        assertThat(granted.get("durationMs").isNumber()).isTrue();
        assertThat(granted.get("remote").asString()).isEqualTo("127.0.0.1");
        assertThat(granted.get("requestId").asString()).isEqualTo("req-a");
        assertThat(java.time.Instant.parse(granted.get("time").asString())).isNotNull();
        assertThat(Http.JSON.readTree(awaitLine(l -> l.contains("\"req-b\""))).get("status").asInt()).isEqualTo(409);

        JsonNode warning = Http.JSON.readTree(awaitLine(l -> l.contains("dev.usher.test")));
        assertThat(warning.get("message").asString()).isEqualTo("two\nlines \"quoted\"");
        assertThat(warning.get("exception").asString()).startsWith("java.lang.IllegalStateException: boom");
        // Every line is one JSON object: nothing (a stack trace, a message with a newline) spills over.
        for (String l : lines()) {
            assertThat(Http.JSON.readTree(l).isObject()).as(l).isTrue();
        }
    }
}
