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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Borrowing (roaming) over HTTP against a real server, time moved by the test's clock. */
class BorrowApiTest {

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

    private Http.Response borrow(String session, Instant until) {
        return client.post("/api/v1/sessions/" + session + "/checkouts/demo/cal/borrow", "{\"until\":\"" + until + "\"}");
    }

    private JsonNode pool() {
        return admin.get("/api/v1/pools").json().get(0);
    }

    private List<String> eventTypes() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : admin.get("/api/v1/events?limit=1000").json()) {
            out.addFirst(e.get("type").asString());
        }
        return out;
    }

    private void restart() {
        server.restart(); // a new random port
        client = server.client();
        admin = server.admin();
    }

    private void sweepAfter(Duration d) {
        server.clock().advance(d);
        server.server().sweeper().sweep();
    }

    @Test
    void aBorrowedSeatOutlivesItsSessionsUntilItsDateAndThenGoesBack() {
        assertThat(client.checkout("laptop", "demo", "cal", "ann", "laptop-1").status()).isEqualTo(201);
        Instant until = server.now().plus(Duration.ofDays(3));
        Http.Response lent = borrow("laptop", until);
        assertThat(lent.status()).isEqualTo(200);
        JsonNode body = lent.json();
        assertThat(Instant.parse(body.get("until").asString())).isEqualTo(until);
        assertThat(body.get("user").asString()).isEqualTo("ann");
        assertThat(body.get("renewed").asBoolean()).isFalse();
        assertThat(body.get("token").asString()).contains(".");
        assertThat(body.get("publicKey").asString())
                .isEqualTo(admin.get("/api/v1/installation").json().get("borrowPublicKey").asString());
        String seatId = body.get("seatId").asString();

        // Offline: no heartbeats for days, the lease lapses, the sweeper runs: the seat stays hers.
        sweepAfter(Duration.ofDays(1));
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);
        assertThat(pool().get("borrowed").asInt()).isEqualTo(1);
        JsonNode seat = admin.get("/api/v1/borrows").json().get(0);
        assertThat(seat.get("seatId").asString()).isEqualTo(seatId);
        assertThat(Instant.parse(seat.get("borrowedUntil").asString())).isEqualTo(until);
        assertThat(seat.get("sessions")).isEmpty();

        // Back on site before the date: any session of hers joins the borrowed seat, no second one.
        Http.Response back = client.checkout("desktop", "demo", "cal", "ANN", "ws-9");
        assertThat(back.status()).isEqualTo(200);
        assertThat(back.json().get("seatId").asString()).isEqualTo(seatId);
        assertThat(client.delete("/api/v1/sessions/desktop").status()).isEqualTo(204);
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);

        // The date passes: the seat goes back to the pool, recorded as the loan's end.
        sweepAfter(Duration.ofDays(2).plusSeconds(1));
        assertThat(pool().get("inUse").asInt()).isZero();
        assertThat(pool().get("borrowed").asInt()).isZero();
        assertThat(eventTypes()).containsSubsequence("grant", "borrow", "expiry", "join", "release", "borrow-end");
    }

    @Test
    void aLoanSurvivesARestart() {
        assertThat(client.checkout("laptop", "demo", "cal", "ann", "laptop-1").status()).isEqualTo(201);
        assertThat(borrow("laptop", server.now().plus(Duration.ofDays(2))).status()).isEqualTo(200);
        restart();
        sweepAfter(Duration.ofDays(1));
        assertThat(admin.get("/api/v1/borrows").json()).hasSize(1);
        assertThat(pool().get("inUse").asInt()).isEqualTo(1);
    }

    @Test
    void borrowingAgainMovesTheDateWithinTheLimit() {
        assertThat(client.checkout("laptop", "demo", "cal", "ann", "laptop-1").status()).isEqualTo(201);
        assertThat(borrow("laptop", server.now().plus(Duration.ofDays(1))).status()).isEqualTo(200);
        Http.Response again = borrow("laptop", server.now().plus(Duration.ofDays(5)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("renewed").asBoolean()).isTrue();
        assertThat(pool().get("borrowed").asInt()).isEqualTo(1);

        Http.Response tooLong = borrow("laptop", server.now().plus(Duration.ofDays(8)));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.problemType()).isEqualTo("borrow-too-long");
        assertThat(tooLong.json().get("detail").asString()).contains("at most 7 day(s)");
    }

    @Test
    void theFloorKeepsSeatsOnSite() {
        assertThat(admin.put("/api/v1/pools/demo/cal/policy", "{\"borrowFloor\":2}").status()).isEqualTo(200);
        assertThat(client.checkout("a", "demo", "cal", "ann", "h1").status()).isEqualTo(201);
        assertThat(client.checkout("b", "demo", "cal", "bob", "h2").status()).isEqualTo(201);
        assertThat(borrow("a", server.now().plus(Duration.ofDays(1))).status()).isEqualTo(200);

        Http.Response refused = borrow("b", server.now().plus(Duration.ofDays(1)));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.problemType()).isEqualTo("borrow-limit-reached");
        assertThat(refused.json().get("detail").asString()).contains("1 of 3 seats are on loan and 2 must stay on site");
        assertThat(pool().get("borrowed").asInt()).isEqualTo(1);
        // Renewing the one loan there is does not count it twice.
        assertThat(borrow("a", server.now().plus(Duration.ofDays(2))).status()).isEqualTo(200);
    }

    @Test
    void aPoolCanForbidBorrowing() {
        Http.Response policy = admin.put("/api/v1/pools/demo/cal/policy", "{\"borrowAllowed\":false,\"borrowMaxDays\":14}");
        assertThat(policy.status()).isEqualTo(200);
        assertThat(policy.json().get("borrowAllowed").asBoolean()).isFalse();
        assertThat(policy.json().get("borrowMaxDays").asInt()).isEqualTo(14);
        assertThat(client.checkout("a", "demo", "cal", "ann", "h1").status()).isEqualTo(201);
        Http.Response refused = borrow("a", server.now().plus(Duration.ofDays(1)));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.problemType()).isEqualTo("borrow-not-allowed");
        restart();
        assertThat(admin.get("/api/v1/pools/demo/cal/policy").json().get("borrowAllowed").asBoolean()).isFalse();
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() {
        assertThat(client.checkout("a", "demo", "cal", "ann", "h1").status()).isEqualTo(201);
        Http.Response none = borrow("nobody", server.now().plus(Duration.ofDays(1)));
        assertThat(none.status()).isEqualTo(409);
        assertThat(none.problemType()).isEqualTo("not-checked-out");
        assertThat(borrow("a", server.now().minusSeconds(1)).problemType()).isEqualTo("validation-failed");
        for (String bad : List.of("{\"until\":\"tomorrow\"}", "{}", "not json", "{\"until\":12}")) {
            Http.Response r = client.post("/api/v1/sessions/a/checkouts/demo/cal/borrow", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        for (String bad : List.of("{\"borrowMaxDays\":0}", "{\"borrowMaxDays\":366}", "{\"borrowFloor\":-1}")) {
            Http.Response r = admin.put("/api/v1/pools/demo/cal/policy", bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        assertThat(admin.get("/api/v1/pools/demo/cal/policy").json().get("borrowMaxDays").asInt()).isEqualTo(7);
        assertThat(admin.get("/api/v1/borrows").json()).isEmpty();
        assertThat(client.delete("/api/v1/borrows/no-such-seat").status()).isEqualTo(404);
    }

    @Test
    void theHolderReturnsEarlyAndTheSeatIsFreeAtOnce() {
        assertThat(client.checkout("laptop", "demo", "cal", "ann", "laptop-1").status()).isEqualTo(201);
        String seatId = borrow("laptop", server.now().plus(Duration.ofDays(3))).json().get("seatId").asString();
        sweepAfter(Duration.ofHours(5)); // offline for a while: only the loan holds the seat
        Http.Response returned = client.delete("/api/v1/borrows/" + seatId);
        assertThat(returned.status()).isEqualTo(200);
        assertThat(returned.json().get("outcome").asString()).isEqualTo("returned");
        assertThat(returned.json().has("warning") && !returned.json().get("warning").isNull()).isFalse();
        assertThat(pool().get("inUse").asInt()).isZero();
        assertThat(eventTypes()).endsWith("return");
        assertThat(client.delete("/api/v1/borrows/" + seatId).status()).isEqualTo(404);
    }

    @Test
    void anAdministratorTakesALoanBackWithAWarningAndItIsRecorded() {
        assertThat(client.checkout("laptop", "demo", "cal", "ann", "laptop-1").status()).isEqualTo(201);
        Instant until = server.now().plus(Duration.ofDays(3));
        String seatId = borrow("laptop", until).json().get("seatId").asString();
        Http.Response taken = admin.delete("/api/v1/borrows/" + seatId + "?reason=lost%20laptop");
        assertThat(taken.status()).isEqualTo(200);
        assertThat(taken.json().get("outcome").asString()).isEqualTo("taken-back");
        assertThat(taken.json().get("warning").asString()).contains("may keep running until " + until);
        // The session on it ended too, and the seat is back.
        assertThat(pool().get("inUse").asInt()).isZero();
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
        JsonNode last = admin.get("/api/v1/events?limit=5").json();
        List<String> recent = new ArrayList<>();
        last.forEach(e -> recent.add(e.get("type").asString() + ":" + e.get("reason").asString()));
        assertThat(recent).contains("force-return:lost laptop");
    }
}
