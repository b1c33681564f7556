package dev.usher.server.seat;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** A real server whose wall clock is stepped (NTP) while its monotonic clock moves only as time passes. */
class ClockStepTest {

    @TempDir
    Path dir;

    private TestServer server;
    private Http client;

    @BeforeEach
    void start() {
        server = TestServer.start(dir);
        server.license("demo", "cal", 5);
        client = server.client();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Instant leaseEnd(String session) {
        return Instant.parse(server.admin().get("/api/v1/sessions").json().get(0).get("leaseExpiresAt").asString());
    }

    @Test
    void aStepAheadOfThirtyMinutesDoesNotFreeASeatHeartbeatedASecondAgo() {
        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        server.clock().advance(Duration.ofSeconds(30));
        assertThat(client.heartbeat("s1").status()).isEqualTo(200);
        Instant before = leaseEnd("s1");

        server.clock().advance(Duration.ofSeconds(1));
        server.clock().step(Duration.ofMinutes(30));
        assertThat(server.server().sweeper().sweep()).isZero();

        assertThat(leaseEnd("s1")).isEqualTo(before.plus(Duration.ofMinutes(30)));
        assertThat(client.heartbeat("s1").status()).isEqualTo(200);
        assertThat(server.admin().get("/api/v1/seats").json()).hasSize(1);
    }

    @Test
    void aStepBackDoesNotKeepTheSeatOfADeadClientThirtyMinutesLonger() {
        assumeFalse(TestDatabases.postgresql(), "a lone server's rule: with several nodes the stored leases follow the database's clock");
        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        Instant before = leaseEnd("s1");
        // The client dies: no heartbeat after its checkout. A second later NTP steps the wall clock 30 minutes back.
        server.clock().advance(Duration.ofSeconds(1));
        server.clock().step(Duration.ofMinutes(-30));
        assertThat(server.server().sweeper().sweep()).isZero();
        assertThat(leaseEnd("s1")).isEqualTo(before.minus(Duration.ofMinutes(30)));

        // One lease TTL later as time really passes, the next sweep frees the seat (no linger in this pool).
        server.clock().advance(server.server().seats().leaseTtl());
        assertThat(server.server().sweeper().sweep()).isEqualTo(1);
        assertThat(server.admin().get("/api/v1/seats").json()).isEmpty();
    }

    @Test
    void aHeartbeatBetweenAStepAheadAndTheNextSweepIsAnsweredAndKeepsTheSeat() {
        assertThat(client.checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        server.clock().advance(Duration.ofSeconds(30));
        assertThat(client.heartbeat("s1").status()).isEqualTo(200);

        server.clock().advance(Duration.ofSeconds(1));
        server.clock().step(Duration.ofMinutes(30));
        // No sweep has compared the clocks yet: the heartbeat's lease looks 30 minutes overdue until one does.
        Http.Response beat = client.heartbeat("s1");
        assertThat(beat.status()).isEqualTo(200);
        Instant expires = Instant.parse(beat.json().get("leaseExpiresAt").asString());
        assertThat(expires).isEqualTo(server.now().plus(server.server().seats().leaseTtl()));

        // The sweep after it finds the step followed already: the lease is not moved a second time, the seat stays.
        assertThat(server.server().sweeper().sweep()).isZero();
        assertThat(leaseEnd("s1")).isEqualTo(expires);
        assertThat(server.admin().get("/api/v1/seats").json()).hasSize(1);
    }
}
