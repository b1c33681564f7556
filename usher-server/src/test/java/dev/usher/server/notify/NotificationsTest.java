package dev.usher.server.notify;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.TestSmtpServer;
import dev.usher.server.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notifications through real parts: an SMTP server in the test that requires STARTTLS and
 * authentication, an HTTP receiver that checks every webhook's HMAC signature, and the server's clock
 * moved by hand (the notifier is ticked by the test, never by a timer).
 */
class NotificationsTest {

    static final String SECRET = "webhook-secret-0123456789";

    @TempDir
    Path dir;

    TestServer server;
    TestSmtpServer smtp;
    WebhookReceiver hook;
    Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        smtp = TestSmtpServer.start();
        hook = WebhookReceiver.start(SECRET);
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
        smtp.close();
        hook.close();
    }

    Map<String, Object> email(String password) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("host", "localhost");
        e.put("port", smtp.port());
        e.put("security", "starttls");
        e.put("username", TestSmtpServer.USER);
        e.put("password", password);
        e.put("from", "usher@corp.example");
        e.put("to", List.of("it@corp.example"));
        e.put("trustedCertificate", smtp.certificatePem());
        return e;
    }

    Map<String, Object> settings(Map<String, Object> email, Object... more) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("email", email);
        s.put("webhooks", List.of(Map.of("url", hook.url(), "secret", SECRET)));
        for (int i = 0; i < more.length; i += 2) {
            s.put((String) more[i], more[i + 1]);
        }
        return s;
    }

    Http.Response configure(Map<String, Object> settings) {
        return admin.put("/api/v1/notifications/settings", Http.JSON.writeValueAsString(settings));
    }

    Notifier.Tick tick() {
        return server.server().notifications().notifier().tick();
    }

    /** A license of 5 cad/modeler seats ending at {@code expires} (the product's server entitlement runs on). */
    void expiringLicense(Instant expires) {
        Instant start = server.now().minus(Duration.ofDays(1));
        String text = server.vendor().license(start).customer("ACME Engineering")
                .server("cad", server.installationId(), start, start.plus(Duration.ofDays(800)))
                .seats("cad", "modeler", 5, start, expires).text();
        assertThat(admin.post("/api/v1/licenses", text).status()).isEqualTo(201);
    }

    @Test
    void an_expiring_license_sends_one_email_and_one_webhook_per_threshold_over_starttls_with_authentication() {
        assertThat(configure(settings(email(TestSmtpServer.PASSWORD))).status()).isEqualTo(200);
        Instant expires = server.now().plus(Duration.ofDays(40));
        expiringLicense(expires);

        tick();
        assertThat(smtp.received()).as("40 days before: no threshold crossed yet").isEmpty();

        server.clock().advance(Duration.ofDays(10).plusHours(1)); // 29 days 23 hours left
        for (int i = 0; i < 5; i++) {
            tick();
            server.clock().advance(Duration.ofMinutes(30));
        }
        assertThat(smtp.received()).singleElement().satisfies(m -> {
            assertThat(m.authenticatedAs()).isEqualTo(TestSmtpServer.USER);
            assertThat(m.from()).isEqualTo("usher@corp.example");
            assertThat(m.to()).isEqualTo("it@corp.example");
            assertThat(m.subject()).isEqualTo("[Usher] 5 seats of cad/modeler expire in 29 days (" + ExpiryFormat.of(expires) + ")");
            assertThat(m.body()).contains("(customer 'ACME Engineering') expires on", "- 5 seats of cad/modeler: the pool then has 0 (5 now).",
                    "Usher on ", "installation " + server.installationId());
        });
        assertThat(hook.requests()).singleElement().satisfies(r -> {
            assertThat(r.signatureValid()).isTrue();
            assertThat(r.event()).isEqualTo("license-expiring");
            JsonNode body = Http.JSON.readTree(r.body());
            assertThat(body.get("event").asString()).isEqualTo("license-expiring");
            assertThat(body.get("facts").get("thresholdDays").asString()).isEqualTo("30");
            assertThat(body.get("facts").get("pools").asString()).isEqualTo("cad/modeler");
            assertThat(body.get("installationId").asString()).isEqualTo(server.installationId());
        });

        server.clock().set(expires.minus(Duration.ofDays(7)));
        tick();
        tick();
        server.clock().set(expires.minus(Duration.ofHours(20)));
        tick();
        assertThat(smtp.received()).extracting(TestSmtpServer.Received::subject).containsExactly(
                "[Usher] 5 seats of cad/modeler expire in 29 days (" + ExpiryFormat.of(expires) + ")",
                "[Usher] 5 seats of cad/modeler expire in 7 days (" + ExpiryFormat.of(expires) + ")",
                "[Usher] 5 seats of cad/modeler expire in 20 hours (" + ExpiryFormat.of(expires) + ")");
        assertThat(hook.requests()).hasSize(3).allMatch(WebhookReceiver.Request::signatureValid);

        // The delivery log, newest first, in the API.
        JsonNode log = admin.get("/api/v1/notifications/deliveries").json();
        assertThat(log.size()).isEqualTo(6);
        assertThat(log.get(0).get("status").asString()).isEqualTo("sent");
        assertThat(log.get(0).get("event").asString()).isEqualTo("license-expiring");
    }

    @Test
    void a_failing_webhook_is_tried_again_with_exponential_back_off_and_the_log_shows_every_attempt() {
        configure(settings(null));
        hook.answer(500, 503);
        expiringLicense(server.now().plus(Duration.ofDays(3)));

        assertThat(tick()).isEqualTo(new Notifier.Tick(1, 0, 1));
        JsonNode d = delivery();
        assertThat(d.get("status").asString()).isEqualTo("pending");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("lastError").asString()).isEqualTo(hook.url() + " answered 500: receiver says no");
        assertThat(Instant.parse(d.get("nextAttemptAt").asString())).isEqualTo(server.now().plusSeconds(30));

        tick();
        server.clock().advance(Duration.ofSeconds(29));
        tick();
        assertThat(hook.requests()).as("not before its time").hasSize(1);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(tick()).isEqualTo(new Notifier.Tick(0, 0, 1));
        assertThat(Instant.parse(delivery().get("nextAttemptAt").asString())).as("then twice as long").isEqualTo(server.now().plusSeconds(60));
        server.clock().advance(Duration.ofSeconds(60));
        assertThat(tick()).isEqualTo(new Notifier.Tick(0, 1, 0));

        d = delivery();
        assertThat(d.get("status").asString()).isEqualTo("sent");
        assertThat(d.get("attempts").asInt()).isEqualTo(3);
        assertThat(d.get("lastError").isNull()).isTrue();
        assertThat(hook.requests()).extracting(WebhookReceiver.Request::answered).containsExactly(500, 503, 200);
        assertThat(hook.requests()).allMatch(WebhookReceiver.Request::signatureValid);
        assertThat(hook.requests().stream().map(WebhookReceiver.Request::body).distinct()).as("the same message every time").hasSize(1);
        assertThat(tick()).isEqualTo(new Notifier.Tick(0, 0, 0));
    }

    @Test
    void a_receiver_that_never_answers_well_is_given_up_after_the_last_attempt() {
        configure(settings(null));
        Integer[] errors = new Integer[12];
        java.util.Arrays.fill(errors, 502);
        hook.answer(errors);
        expiringLicense(server.now().plus(Duration.ofDays(3)));
        for (int i = 0; i < 20; i++) {
            tick();
            server.clock().advance(Duration.ofHours(1));
        }
        JsonNode d = delivery();
        assertThat(d.get("status").asString()).isEqualTo("failed");
        assertThat(d.get("attempts").asInt()).isEqualTo(12);
        assertThat(d.get("nextAttemptAt").isNull()).isTrue();
        assertThat(hook.requests()).hasSize(12);
    }

    private JsonNode delivery() {
        JsonNode log = admin.get("/api/v1/notifications/deliveries?channel=webhook").json();
        assertThat(log.size()).isEqualTo(1);
        return log.get(0);
    }

    @Test
    void secrets_are_never_shown_back_and_are_kept_when_left_out() {
        configure(settings(email(TestSmtpServer.PASSWORD)));
        Http.Response shown = admin.get("/api/v1/notifications/settings");
        assertThat(shown.text()).doesNotContain(TestSmtpServer.PASSWORD).doesNotContain(SECRET);
        assertThat(shown.json().get("email").get("passwordSet").asBoolean()).isTrue();
        assertThat(shown.json().get("webhooks").get(0).get("secretSet").asBoolean()).isTrue();

        // Changing another field without knowing the secrets keeps them.
        Map<String, Object> e = email(null);
        e.put("from", "licenses@corp.example");
        Map<String, Object> s = settings(e);
        s.put("webhooks", List.of(Map.of("url", hook.url())));
        Http.Response saved = configure(s);
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.text()).doesNotContain(TestSmtpServer.PASSWORD);
        Http.Response test = admin.post("/api/v1/notifications/test", "");
        assertThat(test.json().get("ok").asBoolean()).as(test.text()).isTrue();
        assertThat(smtp.received()).singleElement().satisfies(m -> {
            assertThat(m.from()).isEqualTo("licenses@corp.example");
            assertThat(m.subject()).isEqualTo("[Usher] Test message from Usher");
        });
        assertThat(hook.requests()).singleElement().matches(WebhookReceiver.Request::signatureValid);
        // The audit trail says who changed the settings, without the secrets.
        server.server().auditRecorder().tick();
        Http.Response audit = admin.get("/api/v1/audit?type=notification-settings");
        assertThat(audit.json().size()).isEqualTo(2);
        assertThat(audit.text()).doesNotContain(TestSmtpServer.PASSWORD).doesNotContain(SECRET);
    }

    @Test
    void bad_settings_are_refused_with_a_sentence_and_nothing_changes() {
        configure(settings(email(TestSmtpServer.PASSWORD)));
        String before = admin.get("/api/v1/notifications/settings").text();

        Map<String, Object> e = email(TestSmtpServer.PASSWORD);
        e.put("port", 70000);
        e.put("to", List.of("not an address"));
        Map<String, Object> s = settings(e, "busyPercent", 150, "events", List.of("license-expiring", "coffee-ready"));
        s.put("webhooks", List.of(Map.of("url", "ftp://example", "secret", "short")));
        Http.Response r = configure(s);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("validation-failed");
        assertThat(r.json().get("detail").asString()).contains("email.port must be 1-65535 (got 70000)",
                "email.to: 'not an address' is not an e-mail address", "is not an http:// or https:// URL",
                "the secret of ftp://example must be 16 to 256 characters", "events: unknown event 'coffee-ready'",
                "busyPercent must be 1-100");
        assertThat(configure(settings(Map.of("host", "smtp.corp.example", "security", "none", "username", "u", "password", "p",
                "from", "a@b.example", "to", List.of("c@d.example")))).json().get("detail").asString())
                .contains("a password is never sent in clear");
        assertThat(admin.put("/api/v1/notifications/settings", "{not json").status()).isEqualTo(400);
        assertThat(admin.get("/api/v1/notifications/settings").text()).isEqualTo(before);
        assertThat(server.client().get("/api/v1/notifications/settings").status()).isEqualTo(401);
    }

    @Test
    void send_a_test_says_for_each_channel_whether_it_went_and_why_not() {
        Http.Response ok = admin.post("/api/v1/notifications/test", Http.JSON.writeValueAsString(settings(email(TestSmtpServer.PASSWORD))));
        assertThat(ok.json().get("ok").asBoolean()).as(ok.text()).isTrue();
        assertThat(ok.json().get("results")).hasSize(2);
        assertThat(smtp.received()).hasSize(1);
        assertThat(admin.get("/api/v1/notifications/settings").json().has("email")).as("a test saves nothing").isTrue();
        assertThat(admin.get("/api/v1/notifications/settings").json().get("email").isNull()).isTrue();

        JsonNode wrong = admin.post("/api/v1/notifications/test", Http.JSON.writeValueAsString(settings(email("wrong password")))).json();
        assertThat(wrong.get("ok").asBoolean()).isFalse();
        assertThat(wrong.get("results").get(0).get("detail").asString())
                .startsWith("the SMTP server localhost:" + smtp.port() + " refused the user name or password");
        assertThat(wrong.get("results").get(1).get("ok").asBoolean()).isTrue();

        Map<String, Object> untrusted = email(TestSmtpServer.PASSWORD);
        untrusted.remove("trustedCertificate");
        JsonNode tls = admin.post("/api/v1/notifications/test", Http.JSON.writeValueAsString(settings(untrusted))).json();
        assertThat(tls.get("results").get(0).get("detail").asString()).contains("TLS failed", "paste it as the trusted certificate");

        Map<String, Object> plain = email(null);
        plain.remove("username");
        plain.put("security", "none");
        JsonNode clear = admin.post("/api/v1/notifications/test", Http.JSON.writeValueAsString(settings(plain))).json();
        assertThat(clear.get("results").get(0).get("ok").asBoolean()).as("the relay requires STARTTLS first").isFalse();
        assertThat(smtp.received()).hasSize(1);
        assertThat(admin.get("/api/v1/notifications/deliveries?channel=email").json()).hasSize(4);
    }
}
