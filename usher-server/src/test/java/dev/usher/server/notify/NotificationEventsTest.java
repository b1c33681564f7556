package dev.usher.server.notify;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.server.testing.WebhookReceiver;
import dev.usher.store.postgresql.PostgresUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each event a webhook hears about, found the way it happens: busy pools from the per-minute history,
 * refusals for want of a seat (not a limit rule's), new doctor findings, a tampered audit trail.
 */
class NotificationEventsTest {

    static final String SECRET = "webhook-secret-0123456789";

    @TempDir
    Path dir;

    TestServer server;
    WebhookReceiver hook;
    Http admin;
    Http client;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        hook = WebhookReceiver.start(SECRET);
        admin = server.admin();
        client = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
        hook.close();
    }

    void configure(Object... more) {
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        s.put("webhooks", List.of(Map.of("url", hook.url(), "secret", SECRET)));
        for (int i = 0; i < more.length; i += 2) {
            s.put((String) more[i], more[i + 1]);
        }
        Http.Response r = admin.put("/api/v1/notifications/settings", Http.JSON.writeValueAsString(s));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
    }

    void tick() {
        server.server().notifications().notifier().tick();
    }

    List<JsonNode> heard(String event) {
        return hook.requests().stream().map(r -> Http.JSON.readTree(r.body())).filter(b -> b.get("event").asString().equals(event)).toList();
    }

    @Test
    void a_pool_at_or_above_the_share_for_the_minutes_sends_one_message_per_quiet_period() {
        configure("events", List.of("pool-busy"), "busyPercent", 80, "busyMinutes", 3, "quietMinutes", 30);
        server.license("cad", "modeler", 5);
        for (int i = 1; i <= 4; i++) {
            assertThat(client.checkout("s" + i, "cad", "modeler", "u" + i, "pc" + i).status()).isEqualTo(201);
        }
        // 4 of 5 seats (80%) held; minute by minute, the recorder closes the minutes.
        for (int minute = 1; minute <= 3; minute++) {
            server.clock().advance(Duration.ofMinutes(1));
            keepAlive(4);
            server.server().usageRecorder().tick();
            tick();
        }
        assertThat(heard("pool-busy")).as("two full minutes recorded yet").isEmpty();
        server.clock().advance(Duration.ofMinutes(1));
        keepAlive(4);
        server.server().usageRecorder().tick();
        tick();
        tick();
        assertThat(heard("pool-busy")).singleElement().satisfies(b -> {
            assertThat(b.get("subject").asString()).isEqualTo("cad/modeler has been at or above 80% of its 5 seats for 3 minutes");
            assertThat(b.get("key").asString()).isEqualTo("pool-busy:cad/modeler");
        });
        for (int minute = 0; minute < 25; minute++) {
            server.clock().advance(Duration.ofMinutes(1));
            keepAlive(4);
            server.server().usageRecorder().tick();
            tick();
        }
        assertThat(heard("pool-busy")).as("still busy, but within the quiet period").hasSize(1);
        for (int minute = 0; minute < 6; minute++) {
            server.clock().advance(Duration.ofMinutes(1));
            keepAlive(4);
            server.server().usageRecorder().tick();
            tick();
        }
        assertThat(heard("pool-busy")).as("still busy after the quiet period: reminded once").hasSize(2);
    }

    private void keepAlive(int sessions) {
        for (int i = 1; i <= sessions; i++) {
            assertThat(client.heartbeat("s" + i).status()).isEqualTo(200);
        }
    }

    @Test
    void refusals_for_want_of_a_seat_send_at_most_one_message_per_pool_per_quiet_period_and_a_limit_rules_do_not() {
        configure("events", List.of("seats-refused"), "quietMinutes", 60);
        server.license("cad", "modeler", 2);
        server.license("sim", "solver", 6);
        // sim/solver: everyone is limited to 1 seat; with 5 seats free, the limit's refusals are the rule working.
        assertThat(admin.withHeader("If-Match", "\"0\"").put("/api/v1/pools/sim/solver/rules",
                "{\"rules\":[{\"kind\":\"limit\",\"role\":\"All Users\",\"seats\":1}]}").status()).isEqualTo(200);
        assertThat(client.checkout("x1", "sim", "solver", "xena", "x").status()).isEqualTo(201);
        assertThat(client.checkout("x2", "sim", "solver", "yves", "y").status()).isEqualTo(409);

        client.checkout("a", "cad", "modeler", "alice", "pc-a");
        client.checkout("b", "cad", "modeler", "bob", "pc-b");
        assertThat(client.checkout("c", "cad", "modeler", "carol", "pc-c").status()).isEqualTo(409);
        assertThat(client.checkout("d", "cad", "modeler", "dave", "pc-d").status()).isEqualTo(409);
        server.clock().advance(Duration.ofSeconds(5));
        tick();
        assertThat(heard("seats-refused")).singleElement().satisfies(b -> {
            assertThat(b.get("subject").asString()).isEqualTo("2 people were refused a seat of cad/modeler: all 2 seats in use");
            assertThat(b.get("text").asString()).contains("Refused: carol (pc-c), dave (pc-d).");
            assertThat(b.get("facts").get("pool").asString()).isEqualTo("cad/modeler");
        });

        for (int i = 0; i < 5; i++) {
            server.clock().advance(Duration.ofMinutes(10));
            client.checkout("e" + i, "cad", "modeler", "erin", "pc-e");
            keepAlive();
            tick();
        }
        assertThat(heard("seats-refused")).as("the same pool within its quiet period").hasSize(1);
        server.clock().advance(Duration.ofMinutes(11));
        keepAlive();
        client.checkout("f", "cad", "modeler", "frank", "pc-f");
        server.clock().advance(Duration.ofSeconds(5));
        tick();
        assertThat(heard("seats-refused")).hasSize(2);
        // The second message counts what the quiet period held back: erin's five tries and frank.
        assertThat(heard("seats-refused").getLast().get("subject").asString())
                .isEqualTo("2 people were refused a seat of cad/modeler: all 2 seats in use");
        assertThat(heard("seats-refused").getLast().get("text").asString()).startsWith("6 refusals for want of a seat of cad/modeler since")
                .contains("Refused: erin (pc-e), frank (pc-f).");
        assertThat(hook.requests()).allMatch(WebhookReceiver.Request::signatureValid);
    }

    private void keepAlive() {
        client.heartbeat("a");
        client.heartbeat("b");
        client.heartbeat("x1");
    }

    @Test
    void new_doctor_findings_are_announced_once_in_one_message() {
        configure("events", List.of("doctor-finding"));
        server.admin().put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
        server.license("cad", "modeler", 5);
        client.checkout("s1", "cad", "modeler", "alice", "build-07");
        client.checkout("s2", "cad", "modeler", "build-07", "build-07");
        client.checkout("s3", "cad", "modeler", "bob", "ws-12");
        client.checkout("s4", "cad", "modeler", "ws-12", "ws-12");
        tick();
        assertThat(heard("doctor-finding")).singleElement().satisfies(b -> {
            assertThat(b.get("subject").asString()).isEqualTo("The doctor found 2 new problems");
            assertThat(b.get("text").asString()).contains("user 'build-07' is named like the host 'build-07'", "usher user disable build-07",
                    "user 'ws-12' is named like the host 'ws-12'");
        });
        server.clock().advance(Duration.ofMinutes(11));
        tick();
        assertThat(heard("doctor-finding")).as("the same findings again: nothing new").hasSize(1);

        client.checkout("s5", "cad", "modeler", "lab-3", "lab-3");
        server.clock().advance(Duration.ofMinutes(11));
        tick();
        assertThat(heard("doctor-finding")).hasSize(2);
        assertThat(heard("doctor-finding").getLast().get("subject").asString()).isEqualTo("The doctor found 1 new problem");
        assertThat(heard("doctor-finding").getLast().get("text").asString()).contains("lab-3").doesNotContain("build-07");
    }

    @Test
    void an_audit_trail_that_fails_verification_is_announced_once() throws Exception {
        configure("events", List.of("audit-broken"));
        server.license("cad", "modeler", 5);
        client.checkout("s1", "cad", "modeler", "alice", "pc");
        client.delete("/api/v1/sessions/s1");
        server.server().auditRecorder().tick();
        tick();
        assertThat(heard("audit-broken")).as("intact").isEmpty();

        String url = server.databaseUrl() == null ? "jdbc:sqlite:" + dir.resolve("usher.db") : PostgresUrl.parse(server.databaseUrl()).jdbcUrl();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2")).isEqualTo(1);
        }
        tick();
        assertThat(heard("audit-broken")).as("verified every hour, not every tick").isEmpty();
        server.clock().advance(Duration.ofHours(1));
        tick();
        assertThat(heard("audit-broken")).singleElement().satisfies(b -> {
            assertThat(b.get("subject").asString()).isEqualTo("The audit trail failed verification at record 2");
            assertThat(b.get("text").asString()).contains("record 2 was altered: its hash does not match its contents");
        });
        server.clock().advance(Duration.ofHours(1));
        tick();
        assertThat(heard("audit-broken")).hasSize(1);
    }

    @Test
    void events_that_are_turned_off_send_nothing_and_without_a_channel_nothing_is_claimed() {
        server.license("cad", "modeler", 1);
        client.checkout("a", "cad", "modeler", "alice", "pc-a");
        client.checkout("b", "cad", "modeler", "bob", "pc-b");
        server.clock().advance(Duration.ofSeconds(5));
        tick();
        configure("events", List.of("license-expiring"));
        tick();
        client.checkout("c", "cad", "modeler", "carol", "pc-c");
        server.clock().advance(Duration.ofSeconds(5));
        tick();
        assertThat(hook.requests()).isEmpty();
        configure("events", List.of("seats-refused"));
        client.checkout("d", "cad", "modeler", "dave", "pc-d");
        server.clock().advance(Duration.ofSeconds(5));
        tick();
        assertThat(heard("seats-refused")).singleElement().satisfies(b -> assertThat(b.get("text").asString()).contains("dave")
                .doesNotContain("carol"));
    }
}
