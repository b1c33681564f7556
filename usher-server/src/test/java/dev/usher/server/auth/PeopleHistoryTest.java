package dev.usher.server.auth;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The doctor reads the seat history, not only live sessions: a machine name used as a user name is
 * found after its client has gone, and merged into the person who works on that machine. Stray
 * people (not seen for N days) are listed and purged, never one holding a seat.
 */
class PeopleHistoryTest {

    @TempDir
    Path dir;

    private TestServer server;
    private int session;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("cad", "cal", 10);
        server.admin().put("/api/v1/settings", "{\"refuseMachineNames\": false}"); // plays an installation from before the machine-name rule (user-is-a-machine)
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A checkout and its check-in: in the history, not live. */
    private void work(String user, String host) {
        String id = "s" + ++session;
        assertThat(server.client().checkout(id, "cad", "cal", user, host).status()).isLessThan(300);
        assertThat(server.client().delete("/api/v1/sessions/" + id).status()).isEqualTo(204);
    }

    private JsonNode finding(JsonNode findings, String kind) {
        for (JsonNode f : findings) {
            if (f.get("kind").asString().equals(kind)) {
                return f;
            }
        }
        throw new AssertionError("no " + kind + " finding in " + findings);
    }

    @Test
    void aMachineNameIsFoundFromHistoryAndMergedIntoThePersonWhoWorksOnThatMachine() {
        for (int i = 0; i < 5; i++) {
            work("bob", "DESKTOP-7F3K2");
        }
        work("carol", "desktop-7f3k2.corp.example"); // the same machine, fully qualified
        work("DESKTOP-7F3K2", "DESKTOP-7F3K2");      // a client that reported the machine as the user
        assertThat(server.admin().get("/api/v1/sessions").json()).isEmpty(); // nothing live: only the history knows

        JsonNode f = finding(server.admin().get("/api/v1/doctor").json(), "host-named-user");
        assertThat(f.get("problem").asString()).isEqualTo("user 'DESKTOP-7F3K2' is named like the host 'desktop-7f3k2':"
                + " a client reported the machine instead of the person");
        assertThat(f.get("fix").asString()).isEqualTo("merge DESKTOP-7F3K2 into bob (seen on that host 5 times of 6)");
        assertThat(f.get("commands").get(0).asString()).isEqualTo("usher user merge bob DESKTOP-7F3K2");
    }

    @Test
    void withoutOneDominantPersonTheDoctorNamesWhoWasSeenThere() {
        work("bob", "LAB-PC-1");
        work("bob", "LAB-PC-1");
        work("carol", "LAB-PC-1");
        work("carol", "LAB-PC-1");
        work("LAB-PC-1", "LAB-PC-1");
        JsonNode f = finding(server.admin().get("/api/v1/doctor").json(), "host-named-user");
        assertThat(f.get("fix").asString()).startsWith("find out who uses lab-pc-1 (seen there: ")
                .contains("bob 2", "carol 2").endsWith(" and merge this user into theirs, or disable it");
        assertThat(f.get("commands").get(0).asString()).isEqualTo("usher user disable LAB-PC-1");
    }

    @Test
    void strayPeopleAreListedAndPurgedButNeverOneHoldingASeat() {
        work("old1", "ws1");
        work("old2", "ws2");
        assertThat(server.client().checkout("held", "cad", "cal", "holder", "ws3").status()).isEqualTo(201);
        server.clock().advance(Duration.ofDays(100));
        work("recent", "ws4");
        Http admin = server.admin();

        JsonNode preview = admin.get("/api/v1/stray-users?days=90").json();
        assertThat(preview.get("days").asInt()).isEqualTo(90);
        assertThat(preview.get("total").asInt()).isEqualTo(2);
        List<String> names = new ArrayList<>();
        preview.get("people").forEach(p -> names.add(p.get("name").asString()));
        assertThat(names).containsExactly("old1", "old2"); // not the holder, not recent, not the administrator
        assertThat(admin.get("/api/v1/stray-users?days=101").json().get("total").asInt()).isZero();

        long old1 = preview.get("people").get(0).get("id").asLong();
        Http.Response purged = admin.post("/api/v1/stray-users/purge", "{\"days\":90,\"ids\":[" + old1 + "]}");
        assertThat(purged.status()).as(purged.text()).isEqualTo(200);
        assertThat(purged.json().get("purged").get(0).asString()).isEqualTo("old1");
        assertThat(admin.get("/api/v1/stray-users?days=90").json().get("people").get(0).get("name").asString()).isEqualTo("old2");
        JsonNode audit = admin.get("/api/v1/audit?type=user-purged").json();
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("target").asString()).isEqualTo("old1");
        assertThat(audit.get(0).get("detail").asString()).startsWith("stray: not seen for 90 days");

        // a person holding a seat is never purged, whatever the days
        server.clock().advance(Duration.ofDays(2));
        assertThat(admin.post("/api/v1/stray-users/purge", "{\"days\":1}").json().get("purged").toString())
                .contains("old2", "recent").doesNotContain("holder");
        assertThat(server.server().seats().seatsHeld()).hasSize(1);

        assertThat(admin.get("/api/v1/stray-users?days=0").status()).isEqualTo(400);
        assertThat(admin.post("/api/v1/stray-users/purge", "{}").status()).isEqualTo(400);
        assertThat(server.client().get("/api/v1/stray-users").status()).isIn(401, 403);
    }
}
