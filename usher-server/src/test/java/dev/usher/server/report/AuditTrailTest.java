package dev.usher.server.report;

import dev.usher.core.audit.Actor;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.store.postgresql.PostgresUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail on a real server: admin actions with actor and address (through the API and
 * through a service called directly, as the console does), every kind of seat event, the hash
 * chain (an edited, a deleted, a reordered and a truncated record are found by editing the database
 * directly), exports as JSON lines and CSV with hostile names, filters, and recording off/on.
 */
class AuditTrailTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A history with at least one of everything. */
    private void history() {
        String license = server.license("cad", "cal", 1);
        server.clock().advance(Duration.ofSeconds(1));
        assertThat(admin.checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);
        assertThat(admin.checkout("s2", "cad", "cal", "alice", "ws2").status()).isEqualTo(200); // join
        assertThat(admin.checkout("s3", "cad", "cal", "bob", "ws3").status()).isEqualTo(409); // deny
        assertThat(admin.delete("/api/v1/sessions/s2/checkouts/cad/cal").status()).isEqualTo(204); // release
        server.clock().advance(server.server().config().leaseTtl().plusSeconds(1));
        server.server().sweeper().sweep(); // expiry of s1
        assertThat(admin.checkout("s4", "cad", "cal", "carol", "ws4").status()).isEqualTo(201);
        String seat = server.server().views().seats().getFirst().seatId();
        assertThat(admin.delete("/api/v1/seats/" + seat + "?reason=" + URLEncoder.encode("stuck, \"really\"; =1+1",
                StandardCharsets.UTF_8)).status()).isEqualTo(204); // force release
        assertThat(admin.post("/api/v1/auth/sign-in", "{\"user\":\"admin\",\"password\":\"wrong\"}").status()).isEqualTo(401);
        server.clock().advance(Duration.ofMinutes(1)); // past the throttle after one failure
        assertThat(admin.post("/api/v1/auth/sign-in", "{\"user\":\"admin\",\"password\":\"" + TestServer.ADMIN_PASSWORD + "\"}").status())
                .isEqualTo(200);
        assertThat(admin.delete("/api/v1/licenses/" + license).status()).isEqualTo(204);
        server.server().auditRecorder().tick(); // chained now, not at the next timer tick
    }

    private List<JsonNode> audit(String query) {
        Http.Response r = admin.get("/api/v1/audit" + query);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        r.json().forEach(out::add);
        return out;
    }

    private JsonNode verify() {
        Http.Response r = admin.get("/api/v1/audit/verify");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private void sql(String... statements) throws SQLException {
        // The store's own database, edited behind the server's back (the SQLite file, or the PostgreSQL database).
        String url = server.databaseUrl() == null ? "jdbc:sqlite:" + dir.resolve("usher.db")
                : PostgresUrl.parse(server.databaseUrl()).jdbcUrl();
        try (Connection c = DriverManager.getConnection(url);
             Statement s = c.createStatement()) {
            for (String x : statements) {
                assertThat(s.executeUpdate(x)).as(x).isEqualTo(1); // a tampering that touched nothing proves nothing
            }
        }
    }

    @Test
    void admin_actions_and_seat_events_are_recorded_with_actor_source_target_and_details() {
        history();
        List<JsonNode> all = audit("");
        List<String> types = all.stream().map(e -> e.get("type").asString()).toList();
        assertThat(types).contains("license-added", "grant", "join", "deny", "release", "expiry", "force-release",
                "seat-force-released", "sign-in-failed", "sign-in", "license-removed");
        JsonNode added = all.stream().filter(e -> e.get("type").asString().equals("license-added")).findFirst().orElseThrow();
        assertThat(added.get("kind").asString()).isEqualTo("admin");
        assertThat(added.get("actor").asString()).isEqualTo("admin");
        assertThat(added.get("source").asString()).isEqualTo("127.0.0.1");
        assertThat(added.get("detail").asString()).contains("seats cad/cal x1");
        JsonNode deny = all.stream().filter(e -> e.get("type").asString().equals("deny")).findFirst().orElseThrow();
        assertThat(deny.get("user").asString()).isEqualTo("bob");
        assertThat(deny.get("host").asString()).isEqualTo("ws3");
        assertThat(deny.get("detail").asString()).startsWith("no-seats-available");
        JsonNode failed = all.stream().filter(e -> e.get("type").asString().equals("sign-in-failed")).findFirst().orElseThrow();
        assertThat(failed.get("source").asString()).isEqualTo("127.0.0.1");
        // numbered without gaps, each linked to the one before
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).get("seq").asLong()).isEqualTo(i + 1);
            if (i > 0) {
                assertThat(all.get(i).get("prevHash").asString()).isEqualTo(all.get(i - 1).get("hash").asString());
            }
        }
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).as(v.toString()).isTrue();
        assertThat(v.get("checked").asLong()).isEqualTo(all.size());

        // Filters
        assertThat(audit("?type=grant")).extracting(e -> e.get("user").asString()).containsExactly("alice", "carol");
        assertThat(audit("?user=ALICE")).allMatch(e -> e.get("user").asString().equals("alice")).hasSize(4);
        assertThat(audit("?actor=admin&type=license-removed")).hasSize(1);
        assertThat(audit("?product=cad&feature=cal")).allMatch(e -> e.get("kind").asString().equals("seat"));
        assertThat(audit("?from=2026-06-01T12:00:01Z&to=2026-06-01T12:00:02Z")).isNotEmpty()
                .allMatch(e -> e.get("at").asString().startsWith("2026-06-01T12:00:01"));
        Http.Response bad = admin.get("/api/v1/audit?from=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.problemType()).isEqualTo("validation-failed");
        assertThat(bad.json().get("detail").asString()).contains("from must be a date");
    }

    @Test
    void the_console_calling_a_service_directly_records_its_actor() {
        String id = server.license("cad", "cal", 1);
        boolean removed = new Actor("console-alice", "10.1.2.3").call(() -> server.server().licenses().remove(UUID.fromString(id)));
        assertThat(removed).isTrue();
        JsonNode e = audit("?type=license-removed").getFirst();
        assertThat(e.get("actor").asString()).isEqualTo("console-alice");
        assertThat(e.get("source").asString()).isEqualTo("10.1.2.3");
        assertThat(e.get("target").asString()).isEqualTo(id);
    }

    @Test
    void an_edited_record_is_found() throws SQLException {
        history();
        assertThat(verify().get("ok").asBoolean()).isTrue();
        sql("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3");
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).isFalse();
        assertThat(v.get("brokenAt").asLong()).isEqualTo(3);
        assertThat(v.get("detail").asString()).isEqualTo("record 3 was altered: its hash does not match its contents");
    }

    @Test
    void a_deleted_record_is_found() throws SQLException {
        history();
        sql("DELETE FROM audit_log WHERE seq = 4");
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).isFalse();
        assertThat(v.get("brokenAt").asLong()).isEqualTo(4);
        assertThat(v.get("detail").asString()).contains("record 4 is missing");
    }

    @Test
    void reordered_records_are_found() throws SQLException {
        history();
        sql("UPDATE audit_log SET seq = -1 WHERE seq = 5", "UPDATE audit_log SET seq = 5 WHERE seq = 6",
                "UPDATE audit_log SET seq = 6 WHERE seq = -1");
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).isFalse();
        assertThat(v.get("brokenAt").asLong()).isEqualTo(5);
        assertThat(v.get("detail").asString()).contains("record 5 does not follow record 4");
    }

    @Test
    void records_removed_from_the_end_are_found() throws SQLException {
        history();
        long last = audit("").size();
        sql("DELETE FROM audit_log WHERE seq = " + last);
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).isFalse();
        assertThat(v.get("detail").asString()).contains("the trail ends at record " + (last - 1));
    }

    @Test
    void records_added_past_the_head_are_found_and_the_check_reads_only_up_to_the_head_it_started_from() throws SQLException {
        history();
        long last = audit("").size();
        // A copy of the last record put after it by hand, its chain fields kept (as a forger would).
        sql("INSERT INTO audit_log (seq, at, kind, type, actor, source, target, product, feature, user_name, host, session_id, seat_id,"
                + " detail, prev_hash, hash) SELECT seq + 1, at, kind, type, actor, source, target, product, feature, user_name, host,"
                + " session_id, seat_id, detail, hash, hash FROM audit_log WHERE seq = " + last);
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).isFalse();
        assertThat(v.get("brokenAt").asLong()).isEqualTo(last + 1);
        assertThat(v.get("detail").asString()).isEqualTo("record " + (last + 1) + " is past the last record the recorder wrote (" + last
                + "): added behind its back");
    }

    @Test
    void exports_as_json_lines_and_as_csv_safe_for_hostile_names() {
        server.license("cad", "cal", 5);
        String[] hostile = {"=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd", "-2+3", "bob, \"the builder\""};
        for (int i = 0; i < hostile.length; i++) {
            assertThat(admin.checkout("h" + i, "cad", "cal", hostile[i], "host" + i).status()).isEqualTo(201);
        }
        String seat = server.server().views().seats().getFirst().seatId();
        admin.delete("/api/v1/seats/" + seat + "?reason=" + URLEncoder.encode("=line one; line \"two\", end", StandardCharsets.UTF_8));

        Http.Response nd = admin.withHeader("Accept", "application/x-ndjson").get("/api/v1/audit");
        assertThat(nd.contentType()).startsWith("application/x-ndjson");
        String[] lines = nd.text().split("\n");
        int n = audit("").size();
        assertThat(lines).hasSize(n);
        for (String line : lines) {
            assertThat(Http.JSON.readTree(line).get("hash").asString()).hasSize(64);
        }

        Http.Response csv = admin.withHeader("Accept", "text/csv").get("/api/v1/audit?type=grant");
        assertThat(csv.contentType()).startsWith("text/csv");
        List<List<String>> rows = CsvReader.parse(csv.text());
        assertThat(rows).hasSize(1 + hostile.length);
        int user = rows.getFirst().indexOf("user");
        assertThat(rows.subList(1, rows.size())).extracting(r -> r.get(user)).containsExactly(
                "'=HYPERLINK(\"http://evil.example\",\"x\")", "'+cmd", "'-2+3", "bob, \"the builder\"");
        for (List<String> r : rows) {
            assertThat(r).hasSize(rows.getFirst().size());
        }
        List<List<String>> released = CsvReader.parse(admin.withHeader("Accept", "text/csv").get("/api/v1/audit?type=seat-force-released").text());
        int detail = released.getFirst().indexOf("detail");
        assertThat(released.get(1).get(detail)).startsWith("'=line one; line \"two\", end;");
    }

    @Test
    void recording_off_keeps_events_and_chains_them_when_turned_on_again() {
        server.license("cad", "cal", 5);
        int before = audit("").size();
        assertThat(admin.put("/api/v1/audit/recording", "{\"enabled\":false}").json().get("enabled").asBoolean()).isFalse();
        assertThat(admin.checkout("s1", "cad", "cal", "alice", "ws1").status()).isEqualTo(201);
        assertThat(audit("").size()).isEqualTo(before);
        assertThat(verify().get("pending").asLong()).isEqualTo(2); // the grant and the audit-recording change
        assertThat(admin.put("/api/v1/audit/recording", "{\"enabled\":true}").status()).isEqualTo(200);
        List<String> types = audit("").stream().map(e -> e.get("type").asString()).toList();
        assertThat(types.subList(before, types.size())).containsExactlyInAnyOrder("audit-recording", "grant", "audit-recording");
        assertThat(verify().get("ok").asBoolean()).isTrue();
        assertThat(admin.put("/api/v1/audit/recording", "{}").problemType()).isEqualTo("validation-failed");
    }

    @Test
    void the_chain_survives_a_restart() {
        history();
        server.restart();
        admin = server.admin();
        assertThat(admin.checkout("after", "cad", "cal", "dave", "ws9").status()).isEqualTo(404); // license removed: no such pool
        JsonNode v = verify();
        assertThat(v.get("ok").asBoolean()).as(v.toString()).isTrue();
        assertThat(audit("?type=deny").getLast().get("user").asString()).isEqualTo("dave");
    }
}
