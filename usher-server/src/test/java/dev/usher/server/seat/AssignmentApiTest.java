package dev.usher.server.seat;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Assignment rules over HTTP: reserves, limits, deny, versioning, and explain. */
class AssignmentApiTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http anon;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 4);
        admin = server.admin();
        anon = server.client();
        for (String u : new String[] {"carl", "cora", "dan", "dora", "eve", "ivan"}) {
            anon.checkout("seed-" + u, "demo", "cal", u, "h");
            anon.delete("/api/v1/sessions/seed-" + u);
        }
        long contractors = admin.post("/api/v1/roles", "{\"name\":\"Contractors\"}").json().get("id").asLong();
        long interns = admin.post("/api/v1/roles", "{\"name\":\"Interns\"}").json().get("id").asLong();
        for (String u : new String[] {"carl", "cora"}) {
            admin.put("/api/v1/roles/" + contractors + "/members/" + id(u), "");
        }
        admin.put("/api/v1/roles/" + interns + "/members/" + id("ivan"), "");
    }

    private long id(String user) {
        return admin.get("/api/v1/users?search=" + user).json().get("items").get(0).get("id").asLong();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Http.Response put(String body, String etag) {
        return admin.withHeader("If-Match", etag).put("/api/v1/pools/demo/cal/rules", body);
    }

    @Test
    void aReserveKeepsSeatsForItsMembersAndRefusalsNameTheRuleAndNumbers() {
        Http.Response saved = put("{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Contractors\",\"seats\":2}]}", "\"0\"");
        assertThat(saved.status()).as(saved.text()).isEqualTo(200);
        assertThat(saved.headers().firstValue("ETag")).contains("\"1\"");
        assertThat(saved.json().get("sharedSeats").asInt()).isEqualTo(2);

        assertThat(anon.checkout("d1", "demo", "cal", "dan", "h").status()).isEqualTo(201);
        assertThat(anon.checkout("d2", "demo", "cal", "dora", "h").status()).isEqualTo(201);
        Http.Response eve = anon.checkout("e1", "demo", "cal", "eve", "h");
        assertThat(eve.status()).isEqualTo(409);
        assertThat(eve.json().get("detail").asString()).isEqualTo("No seat of demo cal is available to you: every seat open to you"
                + " is in use (shared part: 2 of 2). Try again when someone signs out, or ask your administrator for more seats.");
        // The reserve still serves its members although non-members filled the shared part.
        assertThat(anon.checkout("c1", "demo", "cal", "carl", "h").status()).isEqualTo(201);
        assertThat(anon.checkout("c2", "demo", "cal", "cora", "h").status()).isEqualTo(201);

        JsonNode why = admin.get("/api/v1/explain?user=eve&product=demo&feature=cal").json();
        assertThat(why.get("outcome").asString()).isEqualTo("refused");
        assertThat(why.get("detail").asString()).isEqualTo(eve.json().get("detail").asString());
        JsonNode carl = admin.get("/api/v1/explain?user=carl&product=demo&feature=cal").json();
        assertThat(carl.get("outcome").asString()).isEqualTo("holds");
        assertThat(carl.get("code").asString()).isEqualTo("reserve:0");
        assertThat(carl.get("detail").asString()).endsWith(", charged to the reserve for the members of Contractors");
        JsonNode dora = admin.get("/api/v1/explain?user=dora&product=demo&feature=cal").json();
        assertThat(dora.get("detail").asString()).endsWith(", charged to the shared part");
    }

    @Test
    void limitsAndDenyRulesAndTheExplanationMatchesTheOutcome() {
        put("{\"rules\":[{\"kind\":\"limit\",\"role\":\"Interns\",\"seats\":0},{\"kind\":\"deny\",\"user\":\"eve\"}]}", "\"0\"");
        JsonNode why = admin.get("/api/v1/explain?user=ivan&product=demo&feature=cal").json();
        assertThat(why.get("outcome").asString()).isEqualTo("refused");
        Http.Response ivan = anon.checkout("i1", "demo", "cal", "ivan", "h");
        assertThat(ivan.status()).isEqualTo(409);
        assertThat(ivan.json().get("detail").asString()).isEqualTo("No seat of demo cal is available to you: the members of Interns"
                + " may hold at most 0 seats together, and 0 are in use. Try again when someone signs out, or ask your administrator"
                + " for more seats.").isEqualTo(why.get("detail").asString());
        Http.Response eve = anon.checkout("e1", "demo", "cal", "eve", "h");
        assertThat(eve.status()).isEqualTo(403);
        assertThat(eve.problemType()).isEqualTo("not-entitled");
        assertThat(eve.json().get("detail").asString()).isEqualTo(
                "You may not use demo cal: a deny rule keeps eve out of this pool. Ask your administrator if you need it.");
        JsonNode dan = admin.get("/api/v1/explain?user=dan&product=demo&feature=cal").json();
        assertThat(dan.get("outcome").asString()).isEqualTo("would-get");
        assertThat(dan.get("detail").asString()).isEqualTo("would get a seat from the shared part (0 of 4 in use before)");
        assertThat(anon.checkout("d1", "demo", "cal", "dan", "h").status()).isEqualTo(201);
    }

    @Test
    void rulesAreVersionedValidatedAndNeverRevokeHeldSeats() {
        assertThat(anon.checkout("e1", "demo", "cal", "eve", "h").status()).isEqualTo(201);
        assertThat(put("{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Contractors\",\"seats\":5}]}", "\"0\"").status()).isEqualTo(400);
        assertThat(put("{\"rules\":[{\"kind\":\"reserve\",\"role\":\"Nobody\",\"seats\":1}]}", "\"0\"").status()).isEqualTo(400);
        assertThat(put("{\"rules\":[{\"kind\":\"deny\",\"user\":\"eve\"}]}", "\"0\"").status()).isEqualTo(200);
        // Two admins read version 1; the second save is refused.
        assertThat(put("{\"rules\":[]}", "\"1\"").status()).isEqualTo(200);
        Http.Response stale = put("{\"rules\":[{\"kind\":\"deny\",\"user\":\"dan\"}]}", "\"1\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(admin.put("/api/v1/pools/demo/cal/rules", "{\"rules\":[]}").status()).isEqualTo(428);
        // eve's seat survived the deny rule: rule changes never revoke a held seat.
        assertThat(anon.heartbeat("e1").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/pools/demo/cal/rules").json().get("version").asLong()).isEqualTo(2);
    }
}
