package dev.usher.cli.admin;

import dev.usher.cli.UsherCommand;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --json} on every listing command gives the documented shape (README, "Scripting with
 * --json"), parseable as a whole, and nothing else on standard output.
 */
class JsonListingsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    private TestServer server;

    record Result(int exitCode, String out, String err) {}

    private Result run(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--data";
        all[args.length + 1] = server.dataDir().toString();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = UsherCommand.run(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    private JsonNode json(int exitCode, String... args) {
        Result r = run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
        return JSON.readTree(r.out());
    }

    @BeforeEach
    void start() {
        server = TestServer.start(tmp.resolve("data"));
        server.license("cad", "cal", 2);
        server.client().checkout("s1", "cad", "cal", "alice", "ws1");
        server.client().checkout("s2", "cad", "cal", "alice-ws2", "ws2"); // a doctor's finding: one person, two names
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void statusLicensesUsersRulesAuditAndDoctorPrintTheirDocumentedShapes() {
        JsonNode status = json(0, "status", "--json");
        assertThat(status.get("installationId").asString()).isEqualTo(server.installationId());
        assertThat(status.get("pools").get(0).get("capacity").asInt()).isEqualTo(2);
        assertThat(status.get("seats").valueStream().map(s -> s.get("user").asString())).containsExactlyInAnyOrder("alice", "alice-ws2");
        assertThat(status.get("seats").valueStream().map(s -> s.get("sessions").get(0).get("host").asString()))
                .containsExactlyInAnyOrder("ws1", "ws2");
        assertThat(status.get("queue").isArray()).isTrue();

        JsonNode licenses = json(0, "license", "list", "--json");
        assertThat(licenses.isArray()).isTrue();
        assertThat(licenses.get(0).get("status").asString()).isEqualTo("valid");
        assertThat(licenses.get(0).get("entitlements").size()).isEqualTo(2);

        JsonNode users = json(0, "user", "list", "--json");
        assertThat(users.get("total").asInt()).isEqualTo(3);
        assertThat(users.get("items").findValuesAsString("name")).contains("admin", "alice", "alice-ws2");

        server.admin().put("/api/v1/pools/cad/cal/rules", "{\"rules\":[{\"kind\":\"deny\",\"user\":\"alice-ws2\"}]}");
        JsonNode rules = json(0, "rules", "show", "cad", "cal", "--json");
        assertThat(rules.get("rules").get(0).get("kind").asString()).isEqualTo("deny");

        JsonNode audit = json(0, "audit", "list", "--json", "--kind", "seat", "--limit", "2");
        assertThat(audit.size()).isEqualTo(2);
        assertThat(audit.get(0).get("seq").asLong()).isGreaterThan(audit.get(1).get("seq").asLong()); // newest first
        assertThat(audit.findValuesAsString("kind")).containsOnly("seat");
        JsonNode grants = json(0, "audit", "list", "--json", "--type", "grant");
        assertThat(grants.findValuesAsString("user")).containsExactly("alice-ws2", "alice");

        JsonNode doctor = json(1, "doctor", "--json");
        assertThat(doctor.get("findings").get(0).get("kind").asString()).isEqualTo("duplicate-user");
        assertThat(doctor.get("findings").get(0).get("commands").get(0).asString()).isEqualTo("usher user merge alice alice-ws2");
        JsonNode fixed = json(0, "doctor", "--fix", "--json");
        assertThat(fixed.get("done").get(0).asString()).startsWith("merged 'alice-ws2' into 'alice'");
        assertThat(fixed.get("findings").isEmpty()).isTrue();
    }

    @Test
    void theAuditListIsATableNewestFirstWithoutJson() {
        Result r = run("audit", "list", "--kind", "admin");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("SEQ").contains("license-added").doesNotContain("grant");
    }
}
