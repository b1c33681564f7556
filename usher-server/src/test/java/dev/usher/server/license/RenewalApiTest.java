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
 * Renewals replace instead of stacking: a file that supersedes another retires it from its own start (the API
 * says by which file), a file that only looks like a renewal is accepted with the warning, and dates are the ones
 * the vendor wrote.
 */
class RenewalApiTest {

    private static final Instant Y2026 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant Y2027 = Instant.parse("2027-01-01T00:00:00Z");
    private static final Instant Y2028 = Instant.parse("2028-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private TestServer server;
    private Http admin;

    @BeforeEach
    void start() {
        server = TestServer.start(dir); // its clock: 2026-06-01
        admin = server.admin();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String add(String text) {
        Http.Response r = admin.post("/api/v1/licenses", text);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("id").asString();
    }

    private int capacity() {
        return admin.get("/api/v1/pools").json().get(0).get("capacity").asInt();
    }

    private String file(int seats, Instant from, Instant to, String... supersedes) {
        var b = server.vendor().license(from).server("cad", server.installationId(), from, to).seats("cad", "cal", seats, from, to);
        for (String id : supersedes) {
            b.supersedes(id);
        }
        return b.text();
    }

    @Test
    void aRenewalRetiresTheFileItSupersedesSoTenSeatsRenewedAreTenNotForty() {
        String old = add(file(30, Y2026, Y2027));
        for (int i = 0; i < 30; i++) {
            assertThat(server.client().checkout("s" + i, "cad", "cal", "user" + i, "ws").status()).isEqualTo(201);
        }
        String renewal = add(file(10, Y2026, Y2028, old));

        assertThat(capacity()).isEqualTo(10);
        JsonNode retired = admin.get("/api/v1/licenses/" + old).json();
        assertThat(retired.get("status").asString()).isEqualTo("superseded");
        assertThat(retired.get("supersededBy").asString()).isEqualTo(renewal);
        assertThat(retired.get("supersededFrom").asString()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(retired.get("statusDetail").asString()).isEqualTo("superseded by license " + renewal + " since 2026-01-01T00:00:00Z");
        assertThat(admin.get("/api/v1/licenses/" + renewal).json().get("supersedes").toString()).isEqualTo("[\"" + old + "\"]");
        // Nobody who held a seat is cut off; new seats wait until fewer than 10 are in use.
        assertThat(admin.get("/api/v1/seats").json()).hasSize(30);
        assertThat(server.client().checkout("late", "cad", "cal", "latecomer", "ws").status()).isEqualTo(409);
    }

    @Test
    void aRenewalInstalledBeforeItStartsTakesOverOnItsStartDayWithNoGap() {
        String old = add(file(30, Y2026, Y2027));
        String renewal = add(file(10, Y2027, Y2028, old));

        assertThat(capacity()).isEqualTo(30);
        JsonNode waiting = admin.get("/api/v1/licenses/" + old).json();
        assertThat(waiting.get("status").asString()).isEqualTo("valid");
        assertThat(waiting.get("supersededBy").asString()).isEqualTo(renewal);
        server.clock().set(Y2027.minusSeconds(1));
        assertThat(capacity()).isEqualTo(30);
        server.clock().set(Y2027);
        assertThat(capacity()).isEqualTo(10);
        assertThat(admin.get("/api/v1/licenses/" + old).json().get("status").asString()).isEqualTo("superseded");
    }

    @Test
    void aFileThatOnlyLooksLikeARenewalIsAddedWithTheWarningInTheAnswer() {
        String old = add(file(30, Y2026, Y2027));

        Http.Response r = admin.post("/api/v1/licenses", file(10, Y2026.plus(Duration.ofDays(100)), Y2028));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("warnings").get(0).asString()).isEqualTo("cad/cal: this adds 10 seats to 30 (40 in all); if it renews"
                + " license " + old + ", ask the vendor for a file that supersedes it");
        assertThat(capacity()).isEqualTo(40);
        assertThat(admin.post("/api/v1/licenses", file(5, Y2026, Y2027)).json().get("warnings")).hasSize(1);
        // Adding the same file again changes nothing and warns about nothing.
        Http.Response same = admin.post("/api/v1/licenses", admin.get("/api/v1/licenses/" + old).json().get("text").asString());
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().get("warnings")).isEmpty();
    }

    @Test
    void datesAreTheOnesTheVendorWrote() {
        String id = add(file(5, Y2026, Y2027));

        JsonNode e = admin.get("/api/v1/licenses/" + id).json().get("entitlements").get(1);
        assertThat(e.get("expires").asString()).isEqualTo("2027-01-01T00:00:00Z");
        assertThat(e.get("validFrom").asString()).isEqualTo("2026-01-01");
        assertThat(e.get("validThrough").asString()).isEqualTo("2026-12-31");
        JsonNode pool = admin.get("/api/v1/pools").json().get(0);
        assertThat(pool.get("nextExpiryValidThrough").asString()).isEqualTo("2026-12-31");
        assertThat(pool.get("serverValidThrough").asString()).isEqualTo("2026-12-31");
    }
}
