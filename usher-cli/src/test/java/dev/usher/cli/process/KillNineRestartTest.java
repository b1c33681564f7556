package dev.usher.cli.process;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestVendor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §3 invariant 6: after {@code kill -9} in the middle of traffic, a restarted server still has
 * every seat and session it acknowledged (and nothing it did not), with capacity and one-seat-per-person
 * intact, and the surviving sessions' leases are honoured.
 */
class KillNineRestartTest {

    private static final int CAPACITY = 40;

    @TempDir
    Path dir;

    @Test
    void everythingAcknowledgedSurvivesKillNine() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("trusted-keys"));
        TestVendor vendor = new TestVendor();
        vendor.trustIn(data);

        Map<String, String> acknowledged = new ConcurrentHashMap<>(); // session -> seat, as last acknowledged
        Set<String> uncertain = ConcurrentHashMap.newKeySet();         // sessions with a request in flight at the kill
        Queue<String> violations = new ConcurrentLinkedQueue<>();

        try (ServerProcess first = ServerProcess.start(data)) {
            Http admin = new Http(first.url(), ServerProcess.ADMIN_TOKEN);
            String installation = admin.get("/api/v1/installation").json().get("installationId").asString();
            Instant now = Instant.now();
            String license = vendor.serverAndSeats(installation, "demo", "cal", CAPACITY, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(30)));
            assertThat(admin.post("/api/v1/licenses", license).status()).isEqualTo(201);

            Http client = new Http(first.url(), null);
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                workers.add(Thread.ofVirtual().start(() -> {
                    Random rnd = new Random(worker);
                    for (int i = 0; !stop.get() && i < 10_000; i++) {
                        String session = "w" + worker + "-" + rnd.nextInt(12);
                        String user = "user" + (worker * 5 + rnd.nextInt(5));
                        uncertain.add(session);
                        try {
                            if (rnd.nextInt(3) > 0) {
                                Http.Response r = client.checkout(session, "demo", "cal", user, "host" + worker);
                                if (r.status() / 100 == 2) {
                                    acknowledged.put(session, r.json().get("seatId").asString());
                                }
                            } else if (client.delete("/api/v1/sessions/" + session).status() == 204) {
                                acknowledged.remove(session);
                            }
                            uncertain.remove(session);
                            completed.incrementAndGet();
                        } catch (RuntimeException e) {
                            return; // the server died under us: this session's last request is uncertain
                        }
                    }
                }));
            }
            // Let traffic run, then kill without warning while requests are in flight.
            while (completed.get() < 600) {
                Thread.sleep(10);
            }
            first.kill9();
            stop.set(true);
            for (Thread t : workers) {
                t.join();
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(20);

        try (ServerProcess second = ServerProcess.start(data)) {
            Http admin = new Http(second.url(), ServerProcess.ADMIN_TOKEN);
            Map<String, String> storedSeatOfSession = new HashMap<>();
            Map<String, Integer> seatsPerUser = new HashMap<>();
            JsonNode seats = admin.get("/api/v1/seats").json();
            for (JsonNode seat : seats) {
                seatsPerUser.merge(seat.get("user").asString(), 1, Integer::sum);
                for (JsonNode s : seat.get("sessions")) {
                    storedSeatOfSession.put(s.get("sessionId").asString(), seat.get("seatId").asString());
                }
            }
            assertThat(seats.size()).isLessThanOrEqualTo(CAPACITY);
            assertThat(seatsPerUser.values()).allMatch(n -> n == 1);
            acknowledged.forEach((session, seat) -> {
                if (!uncertain.contains(session) && !seat.equals(storedSeatOfSession.get(session))) {
                    violations.add("acknowledged " + session + " on " + seat + " but after restart: " + storedSeatOfSession.get(session));
                }
            });
            storedSeatOfSession.keySet().forEach(session -> {
                if (!acknowledged.containsKey(session) && !uncertain.contains(session)) {
                    violations.add("session " + session + " is stored but was released (acknowledged) before the kill");
                }
            });
            assertThat(violations).isEmpty();
            JsonNode pool = admin.get("/api/v1/pools").json().get(0);
            assertThat(pool.get("inUse").asInt()).isEqualTo(seats.size());

            // The restart gave every lease grace: the clients carry on heartbeating.
            Http client = new Http(second.url(), null);
            for (String session : storedSeatOfSession.keySet()) {
                assertThat(client.heartbeat(session).status()).as(session).isEqualTo(200);
            }
            // SIGTERM is a clean stop: the data directory is unlocked and the CLI hand-off file removed.
            second.stop();
            assertThat(data.resolve("server.json")).doesNotExist();
        }
    }
}
