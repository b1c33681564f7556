package dev.usher.server.seat;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The heartbeat of an ended session says why it ended ({@code endedBecause}, issue 20 "A force release
 * is not passed to the client"), and disabling a person ends what they hold (issue 18 §4): over HTTP
 * against a real server, time moved by the test's clock.
 */
class SessionEndingApiTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http client;
    private Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 3);
        client = server.client();
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String seatOf(String session, String user) {
        Http.Response r = client.checkout(session, "demo", "cal", user, "ws-" + user);
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        return r.json().get("seatId").asString();
    }

    private JsonNode ended(String session) {
        Http.Response r = client.heartbeat(session);
        assertThat(r.status()).as(r.text()).isEqualTo(410);
        assertThat(r.problemType()).isEqualTo("lease-expired");
        assertThat(r.contentType()).startsWith("application/problem+json");
        return r.json();
    }

    private long userId(String name) {
        return admin.get("/api/v1/users?search=" + name).json().get("items").get(0).get("id").asLong();
    }

    private int seatsHeld() {
        return admin.get("/api/v1/seats").json().size();
    }

    @Test
    void aForceReleaseCarriesTheAdministratorsReasonToEverySessionOnTheSeat() {
        String seat = seatOf("ann-desktop", "ann");
        seatOf("ann-browser", "ann");
        assertThat(admin.delete("/api/v1/seats/" + seat + "?reason=Needed%20for%20the%20audit%20team").status()).isIn(200, 204);
        for (String session : new String[] {"ann-desktop", "ann-browser"}) {
            JsonNode p = ended(session);
            assertThat(p.get("endedBecause").asString()).isEqualTo("released-by-administrator");
            assertThat(p.get("reason").asString()).isEqualTo("Needed for the audit team");
            assertThat(p.get("detail").asString())
                    .isEqualTo("An administrator released this seat: Needed for the audit team. Ask them before taking a seat again.");
            assertThat(Instant.parse(p.get("endedAt").asString())).isEqualTo(server.now());
            assertThat(p.get("sessionId").asString()).isEqualTo(session);
        }
    }

    @Test
    void aLapsedLeaseSaysSoAndCheckingOutAgainForgetsAnEarlierRelease() {
        String seat = seatOf("s1", "ann");
        admin.delete("/api/v1/seats/" + seat + "?reason=test");
        assertThat(ended("s1").get("endedBecause").asString()).isEqualTo("released-by-administrator");

        // The application checks out again with the same session id, then stops heartbeating.
        seatOf("s1", "ann");
        server.clock().advance(server.server().seats().leaseTtl().plusSeconds(1));
        server.server().sweeper().sweep();
        JsonNode p = ended("s1");
        assertThat(p.get("endedBecause").asString()).isEqualTo("lease-lapsed");
        assertThat(p.has("reason")).isFalse();
        assertThat(p.get("detail").asString()).contains("lease lapsed").contains("check out again with the same session id");
    }

    @Test
    void aSessionNeverSeenIsUnknown() {
        JsonNode p = ended("never-was");
        assertThat(p.get("endedBecause").asString()).isEqualTo("unknown");
        assertThat(p.has("endedAt")).isFalse();
    }

    @Test
    void aTakenBackLoanEndsItsSessionsWithThatReason() {
        seatOf("laptop", "ann");
        Http.Response lent = client.post("/api/v1/sessions/laptop/checkouts/demo/cal/borrow",
                "{\"until\":\"" + server.now().plus(Duration.ofDays(2)) + "\"}");
        assertThat(lent.status()).as(lent.text()).isEqualTo(200);
        String seat = lent.json().get("seatId").asString();
        assertThat(admin.delete("/api/v1/borrows/" + seat + "?reason=Laptop%20returned%20to%20IT").status()).isEqualTo(200);
        JsonNode p = ended("laptop");
        assertThat(p.get("endedBecause").asString()).isEqualTo("loan-taken-back");
        assertThat(p.get("reason").asString()).isEqualTo("Laptop returned to IT");
    }

    @Test
    void theReasonSurvivesARestartBecauseTheSeatEventsHoldIt() {
        String seat = seatOf("s1", "ann");
        admin.delete("/api/v1/seats/" + seat + "?reason=Licence%20audit");
        server.restart();
        client = server.client();
        JsonNode p = ended("s1");
        assertThat(p.get("endedBecause").asString()).isEqualTo("released-by-administrator");
        assertThat(p.get("reason").asString()).isEqualTo("Licence audit");
    }

    @Test
    void disablingAPersonReleasesTheirSeatsAndTheirHeartbeatsSayWhy() {
        seatOf("ann-1", "ann");
        seatOf("ann-2", "ann");
        seatOf("bob-1", "bob");
        assertThat(seatsHeld()).isEqualTo(2);

        Http.Response r = admin.patch("/api/v1/users/" + userId("ann"), "{\"enabled\":false,\"reason\":\"Left the company\"}");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("enabled").asBoolean()).isFalse();
        assertThat(seatsHeld()).as("only bob's seat is left").isEqualTo(1);
        for (String session : new String[] {"ann-1", "ann-2"}) {
            JsonNode p = ended(session);
            assertThat(p.get("endedBecause").asString()).isEqualTo("person-disabled");
            assertThat(p.get("reason").asString()).isEqualTo("Left the company");
            assertThat(p.get("detail").asString()).startsWith("An administrator disabled this account: Left the company.");
        }
        assertThat(client.heartbeat("bob-1").status()).isEqualTo(200);
        Http.Response again = client.checkout("ann-1", "demo", "cal", "ann", "ws-ann");
        assertThat(again.status()).isEqualTo(403);
        // The audit trail names the person and the reason.
        assertThat(admin.get("/api/v1/audit?limit=50").text()).contains("Left the company");
    }

    @Test
    void disablingKeepsALoanUntilItsDateButEndsTheSessionsOnIt() {
        seatOf("laptop", "ann");
        Instant until = server.now().plus(Duration.ofDays(2));
        assertThat(client.post("/api/v1/sessions/laptop/checkouts/demo/cal/borrow", "{\"until\":\"" + until + "\"}").status())
                .isEqualTo(200);
        assertThat(admin.patch("/api/v1/users/" + userId("ann"), "{\"enabled\":false}").status()).isEqualTo(200);
        assertThat(ended("laptop").get("endedBecause").asString()).isEqualTo("person-disabled");
        JsonNode loans = admin.get("/api/v1/borrows").json();
        assertThat(loans.size()).isEqualTo(1);
        assertThat(loans.toString()).contains("ann");
        assertThat(seatsHeld()).isEqualTo(1);
    }

    @Test
    void aReasonThatIsNotOneShortLineIsRefusedBeforeAnythingChanges() {
        seatOf("ann-1", "ann");
        Http.Response r = admin.patch("/api/v1/users/" + userId("ann"), "{\"enabled\":false,\"reason\":\"two\\nlines\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("validation-failed");
        assertThat(admin.get("/api/v1/users/" + userId("ann")).json().get("enabled").asBoolean()).isTrue();
        assertThat(client.heartbeat("ann-1").status()).isEqualTo(200);
    }

    @Test
    void inSessionModeADisabledPersonsHeartbeatStillHearsWhy() {
        long carol = admin.post("/api/v1/users", "{\"name\":\"carol\",\"password\":\"carol-password-123\"}").json().get("id").asLong();
        assertThat(admin.put("/api/v1/settings", "{\"authMode\":\"session\"}").status()).isEqualTo(200);
        String token = client.post("/api/v1/auth/sign-in", "{\"user\":\"carol\",\"password\":\"carol-password-123\"}")
                .json().get("token").asString();
        Http asCarol = client.withToken(token);
        assertThat(asCarol.checkout("c1", "demo", "cal", "carol", "ws9").status()).isEqualTo(201);
        assertThat(admin.patch("/api/v1/users/" + carol, "{\"enabled\":false,\"reason\":\"On leave\"}").status()).isEqualTo(200);

        Http.Response r = asCarol.heartbeat("c1");
        assertThat(r.status()).as(r.text()).isEqualTo(410);
        assertThat(r.json().get("endedBecause").asString()).isEqualTo("person-disabled");
        assertThat(r.json().get("reason").asString()).isEqualTo("On leave");
        // Anything else without valid credentials is still refused as before.
        assertThat(asCarol.heartbeat("someone-else").status()).isEqualTo(401);
    }

    @Test
    void onSeveralNodesTheNodeTheClientHeartbeatsOnKnowsWhyAnotherNodeReleasedTheSeat() {
        try (TestServer a = TestServer.startOnPostgres(dir.resolve("node-a"), c -> c);
             TestServer b = a.join(dir.resolve("node-b"))) {
            a.license("demo", "cal", 2);
            Http.Response taken = a.client().checkout("s1", "demo", "cal", "ann", "ws1");
            assertThat(taken.status()).isEqualTo(201);
            assertThat(b.client().heartbeat("s1").status()).isEqualTo(200);
            String seat = taken.json().get("seatId").asString();
            assertThat(a.admin().delete("/api/v1/seats/" + seat + "?reason=Moved%20to%20another%20team").status()).isIn(200, 204);

            Http.Response r = b.client().heartbeat("s1");
            assertThat(r.status()).isEqualTo(410);
            assertThat(r.json().get("endedBecause").asString()).isEqualTo("released-by-administrator");
            assertThat(r.json().get("reason").asString()).isEqualTo("Moved to another team");
        }
    }
}
