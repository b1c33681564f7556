package dev.usher.server.report;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the audit trail used to miss or garble: changes to automatic user creation and sign-in lifetimes, merges that
 * named a person who no longer exists, and pool settings shown as a record's toString. (The console's own actor is
 * in ConsolePageTest.)
 */
class AuditGapsTest {

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

    private List<JsonNode> audit(String type) {
        server.server().auditRecorder().tick();
        return admin.get("/api/v1/audit?type=" + type).json().valueStream().toList();
    }

    @Test
    void automaticUserCreationAndSignInLifetimesAreRecordedWithWhoChangedThem() {
        assertThat(admin.put("/api/v1/settings", "{\"autoCreateUsers\": false}").status()).isEqualTo(200);
        assertThat(admin.put("/api/v1/settings", "{\"sessionLifetimeMinutes\": 60, \"sessionIdleMinutes\": 15}").status()).isEqualTo(200);
        assertThat(admin.put("/api/v1/settings", "{\"sessionLifetimeMinutes\": 60}").status()).isEqualTo(200); // no change

        JsonNode autoCreate = audit("auto-create-users").getFirst();
        assertThat(autoCreate.get("actor").asString()).isEqualTo("admin");
        assertThat(autoCreate.get("target").asString()).isEqualTo("off");
        assertThat(autoCreate.get("detail").asString()).isEqualTo("was on: unknown names in open mode are refused (403 unknown-user)");
        List<JsonNode> lifetimes = audit("sign-in-lifetime");
        assertThat(lifetimes).hasSize(1);
        assertThat(lifetimes.getFirst().get("detail").asString()).isEqualTo("lifetime 720 -> 60 min, idle 120 -> 15 min");
    }

    @Test
    void aMergeNamesBothPeople() {
        server.license("demo", "cal", 5);
        admin.put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
        assertThat(server.client().checkout("s1", "demo", "cal", "bob", "ws1").status()).isEqualTo(201);
        assertThat(server.client().checkout("s2", "demo", "cal", "DESKTOP-7F3K2", "DESKTOP-7F3K2").status()).isEqualTo(201);
        long bob = admin.get("/api/v1/users?search=bob").json().get("items").get(0).get("id").asLong();
        long desktop = admin.get("/api/v1/users?search=DESKTOP").json().get("items").get(0).get("id").asLong();

        assertThat(admin.post("/api/v1/users/" + bob + "/merge", "{\"from\": " + desktop + "}").status()).isEqualTo(200);

        assertThat(audit("user-merged").getFirst().get("detail").asString()).isEqualTo("merged DESKTOP-7F3K2 (user " + desktop
                + ") into bob (user " + bob + "): 1 alias(es), 0 role(s), 1 session(s) moved, 1 duplicate seat(s) released");
    }

    @Test
    void poolSettingsAreReadable() {
        server.license("demo", "cal", 5);
        assertThat(admin.put("/api/v1/pools/demo/cal/policy", "{\"borrowAllowed\": false, \"lingerSeconds\": 30}").status()).isEqualTo(200);

        assertThat(audit("pool-settings-saved").getFirst().get("detail").asString()).isEqualTo("seat key user -> user, linger 0 s -> 30 s,"
                + " borrowing allowed up to 7 days, 0 seat(s) kept on site -> not allowed");
    }
}
