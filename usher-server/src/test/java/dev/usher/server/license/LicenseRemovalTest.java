package dev.usher.server.license;

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
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Removing a license never cuts off a held seat: the pool shows more in use than licensed (with a
 * warning), new grants wait until in-use is below the new capacity, and re-adding the same file
 * changes nothing for the seats that are live.
 */
class LicenseRemovalTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;
    private Http client;
    private Instant t0;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        admin = server.admin();
        client = server.client();
        t0 = server.now();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String add(String text) {
        Http.Response r = admin.post("/api/v1/licenses", text);
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        return r.json().get("id").asString();
    }

    private JsonNode pool() {
        JsonNode pools = admin.get("/api/v1/pools").json();
        assertThat(pools).hasSize(1);
        return pools.get(0);
    }

    /** user -> seatId of every held seat; fails if a seat id or a user appears twice. */
    private Map<String, String> seats() {
        Map<String, String> byUser = new TreeMap<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (JsonNode s : admin.get("/api/v1/seats").json()) {
            assertThat(ids.add(s.get("seatId").asString())).as("seat listed twice").isTrue();
            assertThat(byUser.put(s.get("user").asString(), s.get("seatId").asString())).as("user with two seats").isNull();
        }
        return byUser;
    }

    private Http.Response checkout(String user) {
        return client.checkout("session-" + user, "demo", "cal", user, "ws-" + user);
    }

    @Test
    void removingTheOnlyLicenseKeepsHeldSeatsAndReAddingItChangesNothingForThem() {
        String text = server.vendor().serverAndSeats(server.installationId(), "demo", "cal", 2,
                t0.minus(Duration.ofDays(1)), t0.plus(Duration.ofDays(365)));
        String id = add(text);
        assertThat(checkout("alice").status()).isEqualTo(201);
        assertThat(checkout("bob").status()).isEqualTo(201);
        Map<String, String> held = seats();
        assertThat(held).hasSize(2);

        assertThat(admin.delete("/api/v1/licenses/" + id).status()).isEqualTo(204);

        assertThat(seats()).isEqualTo(held);
        JsonNode p = pool();
        assertThat(p.get("capacity").asInt()).isZero();
        assertThat(p.get("inUse").asInt()).isEqualTo(2);
        assertThat(p.get("available").asInt()).isZero();
        assertThat(p.get("warning").asString()).contains("2 seats are held").contains("nobody is cut off");
        assertThat(admin.get("/api/v1/sessions").json()).hasSize(2);
        // Holders keep working: heartbeats and repeated checkouts keep their seats.
        assertThat(client.heartbeat("session-alice").status()).isEqualTo(200);
        Http.Response kept = checkout("alice");
        assertThat(kept.status()).isEqualTo(200);
        assertThat(kept.json().get("seatId").asString()).isEqualTo(held.get("alice"));
        // Nobody new gets a seat: nothing licenses this pool any more.
        Http.Response refused = checkout("carol");
        assertThat(refused.status()).isIn(404, 409, 503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.problemType()).isIn("unknown-pool", "no-seats-available", "server-not-licensed");
        assertThat(seats()).isEqualTo(held);

        assertThat(add(text)).isEqualTo(id);

        assertThat(seats()).isEqualTo(held);
        p = pool();
        assertThat(p.get("capacity").asInt()).isEqualTo(2);
        assertThat(p.get("inUse").asInt()).isEqualTo(2);
        assertThat(p.get("warning").isNull()).isTrue();
        assertThat(admin.get("/api/v1/sessions").json()).hasSize(2);
        assertThat(admin.get("/api/v1/licenses").json()).hasSize(1);
        assertThat(checkout("carol").status()).isEqualTo(409);
        // bob's retry joins nothing new: same seat, 200.
        Http.Response bob = checkout("bob");
        assertThat(bob.status()).isEqualTo(200);
        assertThat(bob.json().get("seatId").asString()).isEqualTo(held.get("bob"));
        assertThat(pool().get("inUse").asInt()).isEqualTo(2);
    }

    @Test
    void afterRemovingPartOfThePoolNewGrantsWaitUntilInUseIsBelowTheNewCapacity() {
        String base = add(server.vendor().serverAndSeats(server.installationId(), "demo", "cal", 2,
                t0.minus(Duration.ofDays(1)), t0.plus(Duration.ofDays(365))));
        String extraText = server.vendor().license(t0).seats("demo", "cal", 2, t0.minus(Duration.ofDays(1)), null).text();
        String extra = add(extraText);
        for (String u : new String[] {"u1", "u2", "u3", "u4"}) {
            assertThat(checkout(u).status()).isEqualTo(201);
        }
        Map<String, String> held = seats();

        assertThat(admin.delete("/api/v1/licenses/" + extra).status()).isEqualTo(204);

        assertThat(seats()).isEqualTo(held);
        JsonNode p = pool();
        assertThat(p.get("capacity").asInt()).isEqualTo(2);
        assertThat(p.get("inUse").asInt()).isEqualTo(4);
        assertThat(p.get("warning").asString()).contains("4 seats are held but only 2 are licensed");
        Http.Response refused = checkout("newcomer");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.problemType()).isEqualTo("no-seats-available");
        assertThat(refused.json().get("capacity").asInt()).isEqualTo(2);
        assertThat(refused.json().get("inUse").asInt()).isEqualTo(4);

        // 4 -> 3 -> 2 in use: still not below 2.
        assertThat(client.delete("/api/v1/sessions/session-u1").status()).isEqualTo(204);
        assertThat(checkout("newcomer").status()).isEqualTo(409);
        assertThat(client.delete("/api/v1/sessions/session-u2/checkouts/demo/cal").status()).isEqualTo(204);
        assertThat(pool().get("inUse").asInt()).isEqualTo(2);
        assertThat(pool().get("warning").isNull()).isTrue();
        assertThat(checkout("newcomer").status()).isEqualTo(409);
        // 1 in use: one grant, then full again.
        assertThat(client.delete("/api/v1/sessions/session-u3").status()).isEqualTo(204);
        assertThat(checkout("newcomer").status()).isEqualTo(201);
        assertThat(checkout("another").status()).isEqualTo(409);

        // Re-adding the file brings the capacity back at once; u4 and newcomer keep their seats.
        Map<String, String> before = seats();
        assertThat(add(extraText)).isEqualTo(extra);
        assertThat(seats()).isEqualTo(before);
        assertThat(before.get("u4")).isEqualTo(held.get("u4"));
        assertThat(pool().get("capacity").asInt()).isEqualTo(4);
        assertThat(checkout("another").status()).isEqualTo(201);
        assertThat(pool().get("inUse").asInt()).isEqualTo(3);
        assertThat(admin.get("/api/v1/licenses").json()).hasSize(2);
        assertThat(base).isNotEqualTo(extra);
    }
}
