package dev.usher.server.seat;

import dev.usher.server.auth.IdentityService;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.store.Database;
import dev.usher.store.SqlSettingsRepository;
import dev.usher.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A machine name is not a person: in open mode, a new installation refuses a checkout whose user name
 * is its computer's name or a computer seen before ({@code 403 user-is-a-machine}); an installation
 * from before the rule keeps serving them until an administrator turns the setting on.
 */
class MachineNamesApiTest {

    private static final String DESKTOP = "{\"user\":\"DESKTOP-7F3K2\",\"host\":\"DESKTOP-7F3K2\"}";

    @TempDir
    Path dir;

    private TestServer server;
    private Http client;
    private Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 5);
        client = server.client();
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Http.Response checkout(String session, String body) {
        return client.put("/api/v1/sessions/" + session + "/checkouts/demo/cal", body);
    }

    private List<String> users(String search) {
        return admin.get("/api/v1/users?search=" + search).json().get("items").valueStream().map(u -> u.get("name").asString()).toList();
    }

    private boolean refusesMachineNames() {
        return admin.get("/api/v1/settings").json().get("refuseMachineNames").asBoolean();
    }

    @Test
    void aNewInstallationRefusesTheComputersNameAsTheUserAndSaysWhatToConfigure() {
        assertThat(refusesMachineNames()).isTrue();

        Http.Response no = checkout("s1", DESKTOP);
        assertThat(no.status()).isEqualTo(403);
        assertThat(no.contentType()).startsWith("application/problem+json");
        assertThat(no.json().get("type").asString()).endsWith("user-is-a-machine");
        assertThat(no.json().get("detail").asString()).isEqualTo("The user name DESKTOP-7F3K2 is this computer's name, not a"
                + " person's: configure the application to send the signed-in person's user name (the client's user setting),"
                + " or turn off 'Refuse machine names as users' in Settings.");
        assertThat(users("DESKTOP")).isEmpty();
        JsonNode refusal = admin.get("/api/v1/denials?reason=user-is-a-machine&from=2026-06-01&to=2026-06-02").json().get(0);
        assertThat(refusal.get("user").asString()).isEqualTo("DESKTOP-7F3K2");
        assertThat(refusal.get("host").asString()).isEqualTo("DESKTOP-7F3K2");
        assertThat(refusal.get("sessionId").asString()).isEqualTo("s1");
        assertThat(refusal.get("detail").asString()).isEqualTo("user name is the host name");
    }

    @Test
    void theNameOfAComputerSeenBeforeIsRefusedFromAnyComputer() {
        assertThat(checkout("s1", "{\"user\":\"bob\",\"host\":\"ws9.corp.example\"}").status()).isEqualTo(201);

        Http.Response no = checkout("s2", "{\"user\":\"WS9\",\"host\":\"laptop-4\"}");
        assertThat(no.status()).isEqualTo(403);
        assertThat(no.problemType()).isEqualTo("user-is-a-machine");
        assertThat(no.json().get("detail").asString()).startsWith("The user name WS9 is the name of a computer that has checked"
                + " out from this server, not a person's:");
        assertThat(users("ws9")).isEmpty();
    }

    @Test
    void aRefusedRequestCannotMakeAPersonsNameAComputers() {
        // Someone sends carol's name as the host of a request that gets no seat (an unknown pool): carol stays a person.
        assertThat(server.client().put("/api/v1/sessions/x1/checkouts/nosuch/cal", "{\"user\":\"mallory\",\"host\":\"carol\"}")
                .status()).isEqualTo(404);
        assertThat(checkout("s3", "{\"user\":\"carol\",\"host\":\"ws3\"}").status()).isEqualTo(201);
    }

    @Test
    void computersSeenBeforeAStartAreKnownFromTheHistory() {
        assertThat(checkout("s1", "{\"user\":\"bob\",\"host\":\"ws9\"}").status()).isEqualTo(201);
        server.restart();
        assertThat(server.client().put("/api/v1/sessions/s2/checkouts/demo/cal", "{\"user\":\"ws9\",\"host\":\"laptop-4\"}")
                .status()).isEqualTo(403);
    }

    @Test
    void turnedOffTheSameCheckoutGetsASeatAndTheChangeIsAudited() {
        assertThat(checkout("s1", DESKTOP).status()).isEqualTo(403);

        Http.Response off = admin.put("/api/v1/settings", "{\"refuseMachineNames\": false}");
        assertThat(off.status()).isEqualTo(200);
        assertThat(off.json().get("refuseMachineNames").asBoolean()).isFalse();
        assertThat(checkout("s1", DESKTOP).status()).isEqualTo(201);
        assertThat(users("DESKTOP")).containsExactly("DESKTOP-7F3K2");

        server.server().auditRecorder().tick();
        JsonNode change = admin.get("/api/v1/audit?type=refuse-machine-names").json().get(0);
        assertThat(change.get("actor").asString()).isEqualTo("admin");
        assertThat(change.get("target").asString()).isEqualTo("off");
        assertThat(change.get("detail").asString()).isEqualTo("was on: in open mode a user name that is a computer's gets a seat"
                + " like a person's");
        // A restart is not a new installation: the administrator's choice stays.
        server.restart();
        assertThat(server.admin().get("/api/v1/settings").json().get("refuseMachineNames").asBoolean()).isFalse();
    }

    @Test
    void anAuthenticatedPersonIsNeverRefusedForTheirComputersName() {
        assertThat(checkout("s1", "{\"user\":\"alice\",\"host\":\"alice\"}").status()).isEqualTo(403);
        long alice = admin.post("/api/v1/users", "{\"name\":\"alice\",\"password\":\"correct horse battery 9\"}").json().get("id").asLong();
        assertThat(admin.put("/api/v1/settings", "{\"authMode\":\"token\"}").status()).isEqualTo(200);
        String token = admin.post("/api/v1/users/" + alice + "/tokens", "{\"name\":\"app\"}").json().get("token").asString();

        Http.Response yes = client.withToken(token).put("/api/v1/sessions/s2/checkouts/demo/cal", "{\"user\":\"alice\",\"host\":\"alice\"}");
        assertThat(yes.status()).isEqualTo(201);
        assertThat(yes.json().get("user").asString()).isEqualTo("alice");
    }

    @Test
    void anInstallationFromBeforeTheRuleHasItOff() throws Exception {
        server.stop();
        try (Database db = TestDatabases.open(dir)) {
            new SqlSettingsRepository(db).remove(IdentityService.REFUSE_MACHINE_NAMES_KEY);
        }
        server.resume();
        admin = server.admin();
        client = server.client();

        assertThat(refusesMachineNames()).isFalse();
        assertThat(checkout("s1", DESKTOP).status()).isEqualTo(201);
    }
}
