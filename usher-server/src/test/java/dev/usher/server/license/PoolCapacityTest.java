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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pools as {@code GET /api/v1/pools} shows them and checkouts feel them: capacity is the sum over all
 * files (co-terming), follows each entitlement's start and expiry to the millisecond with no admin
 * action, and a product serves only with a valid server entitlement.
 */
class PoolCapacityTest {

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

    private void add(String text) {
        Http.Response r = admin.post("/api/v1/licenses", text);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
    }

    private JsonNode pool(String product, String feature) {
        for (JsonNode p : admin.get("/api/v1/pools").json()) {
            if (p.get("product").asString().equals(product) && p.get("feature").asString().equals(feature)) {
                return p;
            }
        }
        throw new AssertionError("no pool " + product + "/" + feature + " in " + admin.get("/api/v1/pools").text());
    }

    private int capacityAt(Instant t) {
        server.clock().set(t);
        return pool("demo", "cal").get("capacity").asInt();
    }

    @Test
    void twoFilesCoTermIntoOnePoolAndEachPartExpiresOnItsOwnDate() {
        Instant firstExpiry = t0.plus(Duration.ofDays(30));
        Instant secondExpiry = t0.plus(Duration.ofDays(90));
        add(server.vendor().license(t0)
                .server("demo", server.installationId(), t0.minus(Duration.ofDays(1)), t0.plus(Duration.ofDays(400)))
                .seats("demo", "cal", 10, t0.minus(Duration.ofDays(1)), firstExpiry).text());
        String second = server.vendor().license(t0).seats("demo", "cal", 15, t0.minus(Duration.ofDays(1)), secondExpiry).text();
        add(second);

        JsonNode p = pool("demo", "cal");
        assertThat(admin.get("/api/v1/pools").json()).hasSize(1);
        assertThat(p.get("capacity").asInt()).isEqualTo(25);
        assertThat(p.get("available").asInt()).isEqualTo(25);
        assertThat(p.get("serverLicensed").asBoolean()).isTrue();
        assertThat(Instant.parse(p.get("nextExpiry").asString())).isEqualTo(firstExpiry);

        assertThat(capacityAt(firstExpiry.minusMillis(1))).isEqualTo(25);
        assertThat(capacityAt(firstExpiry)).isEqualTo(15);
        assertThat(Instant.parse(pool("demo", "cal").get("nextExpiry").asString())).isEqualTo(secondExpiry);
        assertThat(capacityAt(secondExpiry.minusMillis(1))).isEqualTo(15);
        assertThat(capacityAt(secondExpiry)).isZero();
        // Nothing was removed: both files are still listed, the second one now as expired.
        assertThat(admin.get("/api/v1/licenses").json()).hasSize(2);
        String secondId = dev.usher.core.license.LicenseFile.parse(second).payload().id().toString();
        assertThat(admin.get("/api/v1/licenses/" + secondId).json().get("status").asString()).isEqualTo("expired");
    }

    @Test
    void checkoutsFollowCapacityExactlyAtAnEntitlementsStartAndExpiry() {
        // Within one lease TTL of each other, so every session stays live without heartbeats.
        Instant starts = t0.plus(Duration.ofSeconds(30));
        Instant expires = t0.plus(Duration.ofSeconds(90));
        add(server.vendor().serverAndSeats(server.installationId(), "demo", "cal", 1,
                t0.minus(Duration.ofDays(1)), t0.plus(Duration.ofDays(365))));
        add(server.vendor().license(t0).seats("demo", "cal", 2, starts, expires).text());
        assertThat(Instant.parse(pool("demo", "cal").get("nextStart").asString())).isEqualTo(starts);

        assertThat(capacityAt(starts.minusMillis(1))).isEqualTo(1);
        assertThat(client.checkout("a", "demo", "cal", "alice", "h").status()).isEqualTo(201);
        Http.Response refused = client.checkout("b", "demo", "cal", "bob", "h");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("capacity").asInt()).isEqualTo(1);

        assertThat(capacityAt(starts)).isEqualTo(3);
        assertThat(pool("demo", "cal").get("nextStart").isNull()).isTrue();
        assertThat(Instant.parse(pool("demo", "cal").get("nextExpiry").asString())).isEqualTo(expires);
        assertThat(client.checkout("b", "demo", "cal", "bob", "h").status()).isEqualTo(201);
        assertThat(client.checkout("c", "demo", "cal", "carol", "h").status()).isEqualTo(201);
        assertThat(client.checkout("d", "demo", "cal", "dave", "h").status()).isEqualTo(409);

        assertThat(capacityAt(expires.minusMillis(1))).isEqualTo(3);
        assertThat(capacityAt(expires)).isEqualTo(1);
        JsonNode shrunk = pool("demo", "cal");
        assertThat(shrunk.get("inUse").asInt()).isEqualTo(3);
        assertThat(shrunk.get("available").asInt()).isZero();
        assertThat(shrunk.get("warning").asString()).contains("3 seats are held but only 1");
        Http.Response afterExpiry = client.checkout("d", "demo", "cal", "dave", "h");
        assertThat(afterExpiry.status()).isEqualTo(409);
        assertThat(afterExpiry.problemType()).isEqualTo("no-seats-available");
    }

    @Test
    void withoutAServerEntitlementAPoolServesNothingAndSaysWhichInstallationToLicense() {
        add(server.vendor().license(t0).seats("orphan", "cal", 5, t0.minus(Duration.ofDays(1)), null).text());
        // A server entitlement for another product does not count.
        add(server.vendor().license(t0).server("other", server.installationId(), t0.minus(Duration.ofDays(1)), null).text());

        JsonNode p = pool("orphan", "cal");
        assertThat(p.get("serverLicensed").asBoolean()).isFalse();
        assertThat(p.get("capacity").asInt()).isEqualTo(5);

        Http.Response r = client.checkout("s1", "orphan", "cal", "alice", "ws1");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.problemType()).isEqualTo("server-not-licensed");
        assertThat(r.json().get("detail").asString()).contains(server.installationId());
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
        assertThat(pool("orphan", "cal").get("inUse").asInt()).isZero();

        // Adding the server entitlement makes it serve at once.
        add(server.vendor().license(t0).server("orphan", server.installationId(), t0.minus(Duration.ofDays(1)), null).text());
        assertThat(pool("orphan", "cal").get("serverLicensed").asBoolean()).isTrue();
        assertThat(client.checkout("s1", "orphan", "cal", "alice", "ws1").status()).isEqualTo(201);
    }

    @Test
    void whenTheServerEntitlementExpiresThePoolStopsServingAtThatInstant() {
        Instant serverEnds = t0.plus(Duration.ofDays(30));
        add(server.vendor().license(t0)
                .server("demo", server.installationId(), t0.minus(Duration.ofDays(1)), serverEnds)
                .seats("demo", "cal", 5, t0.minus(Duration.ofDays(1)), t0.plus(Duration.ofDays(365))).text());

        server.clock().set(serverEnds.minusMillis(1));
        assertThat(pool("demo", "cal").get("serverLicensed").asBoolean()).isTrue();
        assertThat(Instant.parse(pool("demo", "cal").get("serverExpires").asString())).isEqualTo(serverEnds);
        assertThat(client.checkout("a", "demo", "cal", "alice", "h").status()).isEqualTo(201);

        server.clock().set(serverEnds);
        assertThat(pool("demo", "cal").get("serverLicensed").asBoolean()).isFalse();
        Http.Response r = client.checkout("b", "demo", "cal", "bob", "h");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.problemType()).isEqualTo("server-not-licensed");
        assertThat(r.json().get("detail").asString()).contains(server.installationId());
    }

    @Test
    void anUnknownProductOrFeatureIs404UnknownPool() {
        add(server.vendor().serverAndSeats(server.installationId(), "demo", "cal", 5, t0.minus(Duration.ofDays(1)), null));

        for (String[] pf : new String[][] {{"nosuch", "cal"}, {"demo", "nosuch"}}) {
            Http.Response r = client.checkout("s1", pf[0], pf[1], "alice", "ws1");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.problemType()).isEqualTo("unknown-pool");
            assertThat(r.json().get("product").asString()).isEqualTo(pf[0]);
            assertThat(r.json().get("feature").asString()).isEqualTo(pf[1]);
        }
        assertThat(admin.get("/api/v1/sessions").json()).isEmpty();
    }
}
