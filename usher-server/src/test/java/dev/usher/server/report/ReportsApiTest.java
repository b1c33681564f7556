package dev.usher.server.report;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every report parameter is checked: a bad one is refused with validation-failed and a sentence; no credentials, 401. */
class ReportsApiTest {

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(dir);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/api/v1/usage?from=2026-13-01|from must be a date (2026-06-01) or a time with a zone",
            "/api/v1/usage?to=tomorrow|to must be a date",
            "/api/v1/usage?from=2026-06-02&to=2026-06-01|is after to",
            "/api/v1/usage?from=2026-05-01&to=2026-05-09&step=minute|longer than the 7 days allowed at step minute",
            "/api/v1/usage?from=2026-01-01&to=2029-01-01&step=hour|longer than the 800 days allowed at step hour",
            "/api/v1/usage?step=week|step must be minute, hour or day",
            "/api/v1/usage?product=a%20b|product must be 1-64 characters",
            "/api/v1/usage?from=1970-01-01|between the years 2000 and 2999",
            "/api/v1/usage/users?user=%20|user must be a user name",
            "/api/v1/usage/right-sizing?product=cad|right-sizing is per pool: give product and feature",
            "/api/v1/usage/right-sizing?product=cad&feature=cal&from=2020-01-01&to=2026-01-01|longer than the 800 days allowed",
            "/api/v1/denials?reason=bored|reason must be one of",
            "/api/v1/denials?limit=0|limit must be a number between 1 and 100000",
            "/api/v1/audit?limit=abc|limit must be a number",
            "/api/v1/audit?from=2026-06-02&to=2026-06-01|is after to",
            "/api/v1/audit?type=%01|type must be 1-256 printable characters",
            // a filter a report does not take is refused, not silently ignored
            "/api/v1/usage?user=alice|user does not apply to /api/v1/usage: it counts everyone in a pool",
            "/api/v1/usage/right-sizing?product=cad&feature=cal&user=alice|user does not apply to /api/v1/usage/right-sizing",
            "/api/v1/usage/right-sizing?product=cad&feature=cal&step=day|step does not apply to /api/v1/usage/right-sizing",
            "/api/v1/usage/users?step=hour|step does not apply to /api/v1/usage/users: it has one row per person, pool and day",
            "/api/v1/denials?step=minute|step does not apply to /api/v1/denials: it lists each refusal",
    })
    void bad_parameters_are_refused_with_a_sentence(String path, String expected) {
        Http.Response r = server.admin().get(path);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("validation-failed");
        assertThat(r.json().get("detail").asString()).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"/api/v1/usage", "/api/v1/usage/users", "/api/v1/usage/right-sizing?product=a&feature=b", "/api/v1/denials",
            "/api/v1/audit", "/api/v1/audit/verify", "/api/v1/audit/recording"})
    void reports_need_an_administrator(String path) {
        Http.Response r = server.client().get(path);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.problemType()).isEqualTo("unauthenticated");
    }

    @ParameterizedTest
    @CsvSource({"/api/v1/usage", "/api/v1/usage?step=minute", "/api/v1/usage/users", "/api/v1/denials", "/api/v1/audit",
            "/api/v1/usage/right-sizing?product=a&feature=b"})
    void good_requests_on_an_empty_history_answer_200(String path) {
        Http.Response r = server.admin().get(path);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }
}
