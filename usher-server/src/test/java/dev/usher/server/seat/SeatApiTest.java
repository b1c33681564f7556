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
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client API of the seat engine, over HTTP against a real server. */
class SeatApiTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http client;
    private Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 2);
        client = server.client();
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode pool() {
        for (JsonNode p : admin.get("/api/v1/pools").json()) {
            if (p.get("feature").asString().equals("cal")) {
                return p;
            }
        }
        throw new AssertionError("no pool demo/cal");
    }

    /**
     * A checkout answer lists the signed license files backing the pool, with their exact texts. Their JSON is written
     * once per pool and set of licenses: a license added, or removed, must show in the next answer.
     */
    @Test
    void theAnswerListsTheLicensesBackingThePoolAsTheyAreNow() {
        String first = server.license("demo", "cal", 2); // the one of start() is the other
        JsonNode before = client.checkout("app-1", "demo", "cal", "alice", "ws1").json().get("licenses");
        assertThat(before).hasSize(2);
        assertThat(before).extracting(l -> l.get("text").asString()).doesNotHaveDuplicates().allMatch(t -> !t.isBlank());
        assertThat(before).allMatch(l -> !l.get("keyId").asString().isBlank());
        String added = server.license("demo", "cal", 3);
        JsonNode more = client.checkout("app-2", "demo", "cal", "bob", "ws2").json().get("licenses");
        assertThat(more).extracting(l -> l.get("id").asString()).hasSize(3).contains(first, added);
        assertThat(admin.delete("/api/v1/licenses/" + first).status()).isEqualTo(204);
        JsonNode fewer = client.checkout("app-3", "demo", "cal", "carol", "ws3").json().get("licenses");
        assertThat(fewer).extracting(l -> l.get("id").asString()).hasSize(2).doesNotContain(first).contains(added);
    }

    @Test
    void aNewSeatIs201AndEveryOtherSessionOfThePersonJoinsItWith200() {
        Http.Response first = client.checkout("app-1", "demo", "cal", "CORP\\alice", "ws1");
        assertThat(first.status()).isEqualTo(201);
        JsonNode body = first.json();
        assertThat(body.get("sessionId").asString()).isEqualTo("app-1");
        assertThat(body.get("product").asString()).isEqualTo("demo");
        assertThat(body.get("feature").asString()).isEqualTo("cal");
        assertThat(body.get("user").asString()).isEqualTo("CORP\\alice");
        assertThat(body.get("heartbeatSeconds").asLong()).isEqualTo(40);
        assertThat(Instant.parse(body.get("leaseExpiresAt").asString())).isEqualTo(server.now().plusSeconds(120));
        assertThat(body.get("sharedWithSessions").asInt()).isZero();
        assertThat(body.get("outcome").asString()).isEqualTo("new");

        Http.Response browser = client.checkout("browser-1", "demo", "cal", "alice@corp.example", "ws2.corp.example");
        assertThat(browser.status()).isEqualTo(200);
        assertThat(browser.json().get("seatId").asString()).isEqualTo(body.get("seatId").asString());
        assertThat(browser.json().get("sharedWithSessions").asInt()).isEqualTo(1);
        assertThat(browser.json().get("outcome").asString()).isEqualTo("joined");

        Http.Response retry = client.checkout("app-1", "demo", "cal", "CORP\\alice", "ws1");
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().get("outcome").asString()).isEqualTo("kept");
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);
    }

    @Test
    void aFullPoolAnswers409WithTheNumbersAndASentence() {
        assertThat(client.checkout("a", "demo", "cal", "a", "h").status()).isEqualTo(201);
        assertThat(client.checkout("b", "demo", "cal", "b", "h").status()).isEqualTo(201);
        Http.Response full = client.checkout("c", "demo", "cal", "c", "h");
        assertThat(full.status()).isEqualTo(409);
        assertThat(full.contentType()).startsWith("application/problem+json");
        assertThat(full.problemType()).isEqualTo("no-seats-available");
        assertThat(full.json().get("capacity").asInt()).isEqualTo(2);
        assertThat(full.json().get("inUse").asInt()).isEqualTo(2);
        assertThat(full.json().get("detail").asString()).contains("All 2 seats").contains("in use");
        assertThat(full.headers().firstValue("Retry-After")).contains("40");
    }

    @Test
    void aMissingUserIsRefusedAndNeverReplacedByTheHost() {
        Http.Response r = client.put("/api/v1/sessions/s1/checkouts/demo/cal", "{\"host\":\"ws1\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.problemType()).isEqualTo("validation-failed");
        assertThat(r.json().get("detail").asString()).isEqualTo("user is missing");
        assertThat(client.put("/api/v1/sessions/s1/checkouts/demo/cal", "{\"user\":\" \",\"host\":\"ws1\"}").status()).isEqualTo(400);
        assertThat(client.put("/api/v1/sessions/s1/checkouts/demo/cal", "{\"user\":\"alice\"}").json().get("detail").asString())
                .isEqualTo("host is missing");
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
        assertThat(pool().get("inUse").asInt()).isZero();
    }

    @Test
    void sessionIdsAreValidated() {
        assertThat(client.checkout("bad%20id!", "demo", "cal", "a", "h").status()).isEqualTo(400);
        assertThat(client.checkout("x".repeat(129), "demo", "cal", "a", "h").status()).isEqualTo(400);
        assertThat(client.checkout("host-1.app:42_x", "demo", "cal", "a", "h").status()).isEqualTo(201);
    }

    @Test
    void heartbeatsKeepASeatThroughManyLeasesAndALapseFreesItWithinTtlPlusOneSweep() {
        String seat = client.checkout("s1", "demo", "cal", "alice", "ws1").json().get("seatId").asString();
        for (int i = 0; i < 10; i++) { // ten lease lifetimes, heartbeating every TTL/3
            server.clock().advance(Duration.ofSeconds(40));
            Http.Response hb = client.heartbeat("s1");
            assertThat(hb.status()).isEqualTo(200);
            assertThat(Instant.parse(hb.json().get("leaseExpiresAt").asString())).isEqualTo(server.now().plusSeconds(120));
            server.server().sweeper().sweep();
        }
        assertThat(admin.get("/api/v1/seats").json().get(0).get("seatId").asString()).isEqualTo(seat);

        // The client crashes: no more heartbeats. One ms before the lease ends, the seat is still held.
        server.clock().advance(Duration.ofSeconds(120).minusMillis(1));
        server.server().sweeper().sweep();
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);
        server.clock().advance(Duration.ofMillis(1));
        server.server().sweeper().sweep();
        assertThat(pool().get("inUse").asInt()).isZero();
        Http.Response late = client.heartbeat("s1");
        assertThat(late.status()).isEqualTo(410);
        assertThat(late.problemType()).isEqualTo("lease-expired");
        // The client checks out again with the same session id and gets a seat.
        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
    }

    @Test
    void forceReleaseEndsTheSeatAndItsSessionsWhoseNextHeartbeatIs410() {
        String seat = client.checkout("s1", "demo", "cal", "alice", "ws1").json().get("seatId").asString();
        client.checkout("s2", "demo", "cal", "alice", "ws2");
        assertThat(admin.delete("/api/v1/seats/" + seat + "?reason=stuck").status()).isEqualTo(204);
        assertThat(client.heartbeat("s1").status()).isEqualTo(410);
        assertThat(client.heartbeat("s2").status()).isEqualTo(410);
        assertThat(admin.delete("/api/v1/seats/" + seat).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/events?limit=1").json().get(0).get("reason").asString()).isEqualTo("stuck");
        assertThat(pool().get("inUse").asInt()).isZero();
    }

    @Test
    void checkinAndEndSessionAreIdempotent() {
        client.checkout("s1", "demo", "cal", "alice", "ws1");
        String path = "/api/v1/sessions/s1/checkouts/demo/cal";
        assertThat(client.delete(path).status()).isEqualTo(204);
        assertThat(client.delete(path).status()).isEqualTo(204);
        assertThat(pool().get("inUse").asInt()).isZero();
        client.checkout("s2", "demo", "cal", "bob", "ws1");
        assertThat(client.delete("/api/v1/sessions/s2").status()).isEqualTo(204);
        assertThat(client.delete("/api/v1/sessions/s2").status()).isEqualTo(204);
        assertThat(client.heartbeat("s2").status()).isEqualTo(410);
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
    }

    @Test
    void seatsListEverySessionWithHostClientAndTimes() {
        client.checkout("s1", "demo", "cal", "alice", "ws1");
        server.clock().advance(Duration.ofSeconds(10));
        client.checkout("s2", "demo", "cal", "Alice", "ws2");
        server.clock().advance(Duration.ofSeconds(5));
        client.heartbeat("s1");
        JsonNode seats = admin.get("/api/v1/seats").json();
        assertThat(seats).hasSize(1);
        JsonNode sessions = seats.get(0).get("sessions");
        assertThat(sessions).hasSize(2);
        assertThat(sessions.get(0).get("host").asString()).isEqualTo("ws1");
        assertThat(sessions.get(0).get("client").asString()).isEqualTo("test");
        assertThat(sessions.get(0).get("lastHeartbeat").asString()).isEqualTo(server.now().toString());
        assertThat(sessions.get(1).get("since").asString()).isEqualTo(server.now().minusSeconds(5).toString());
        assertThat(admin.get("/api/v1/sessions").json()).hasSize(2);
    }

    @Test
    void thePoolPolicyCanBeChangedAtRuntime() {
        Http.Response bad = admin.put("/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"per-host\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(admin.put("/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"user+host\",\"lingerSeconds\":60}").status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/pools/demo/cal/policy").json().get("seatKeyPolicy").asString()).isEqualTo("user+host");
        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        assertThat(client.checkout("s2", "demo", "cal", "alice", "ws2").status()).isEqualTo(201);
        assertThat(client.checkout("s3", "demo", "cal", "alice", "ws2").status()).isEqualTo(200);
        assertThat(pool().get("seatKeyPolicy").asString()).isEqualTo("user+host");
        assertThat(pool().get("lingerSeconds").asLong()).isEqualTo(60);
    }

    @Test
    void anAdministratorsReasonMustBeOneShortLineAndABadOneChangesNothing() {
        String seat = client.checkout("s1", "demo", "cal", "alice", "ws1").json().get("seatId").asString();
        String tooLong = "x".repeat(AdminReason.MAX_LENGTH + 1);
        for (Http.Response r : List.of(
                admin.delete("/api/v1/seats/" + seat + "?reason=" + tooLong),
                admin.delete("/api/v1/seats/" + seat + "?reason=stuck%0Aforged%20line"),
                admin.post("/api/v1/seats/release", "{\"user\":\"alice\",\"reason\":\"" + tooLong + "\"}"),
                admin.post("/api/v1/seats/release", "{\"user\":\"alice\",\"reason\":\"a\\u0007b\"}"),
                admin.delete("/api/v1/borrows/" + seat + "?reason=" + tooLong))) {
            assertThat(r.status()).as(r.text()).isEqualTo(400);
            assertThat(r.problemType()).isEqualTo("validation-failed");
            assertThat(r.json().get("detail").asString()).isEqualTo("reason must be at most 200 printable characters on one line");
        }
        assertThat(client.heartbeat("s1").status()).isEqualTo(200);
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);
        assertThat(admin.delete("/api/v1/seats/" + seat + "?reason=" + "y".repeat(AdminReason.MAX_LENGTH)).status()).isEqualTo(204);
    }

    @Test
    void releaseByUserFreesEverySeatOfThatPerson() {
        client.checkout("s1", "demo", "cal", "CORP\\alice", "ws1");
        client.checkout("s2", "demo", "cal", "bob", "ws1");
        Http.Response r = admin.post("/api/v1/seats/release", "{\"user\":\"alice@corp\"}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("released")).hasSize(1);
        assertThat(admin.post("/api/v1/seats/release", "{\"user\":\"bob\",\"product\":\"demo\"}").status()).isEqualTo(400);
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);
    }

    @Test
    void aRestartKeepsSeatsAndSessionsAndGivesLapsedLeasesOneTtlOfGrace() {
        String seat = client.checkout("s1", "demo", "cal", "alice", "ws1").json().get("seatId").asString();
        server.restart();
        server.clock().advance(Duration.ofMinutes(30)); // the server was down far longer than the TTL
        server.restart();
        server.server().sweeper().sweep();
        Http.Response hb = server.client().heartbeat("s1");
        assertThat(hb.status()).isEqualTo(200);
        assertThat(server.admin().get("/api/v1/seats").json().get(0).get("seatId").asString()).isEqualTo(seat);
    }
}
