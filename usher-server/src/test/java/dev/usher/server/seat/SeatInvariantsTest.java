package dev.usher.server.seat;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionRecord;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN §3 invariants 1-5 under randomized concurrent traffic on a real server: many threads, each
 * person spelled several ways from several hosts and sessions, retries, heartbeats, check-ins, clock
 * jumps past the TTL with sweeps, force releases, and the license removed and re-added mid-run. A
 * checker thread verifies the stored state continuously; every response is checked as it arrives.
 */
class SeatInvariantsTest {

    private static final int CAPACITY = 6;
    private static final int USERS = 16;
    private static final int WORKERS = 12;
    private static final int OPS_PER_WORKER = 250;
    private static final PoolKey POOL = new PoolKey("demo", "cal");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seat key policy {0}")
    @ValueSource(strings = {"user", "user+host"})
    void invariantsHoldUnderRandomConcurrentTraffic(String policy) throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            Http admin = server.admin();
            Http client = server.client();
            String license = server.vendor().serverAndSeats(server.installationId(), "demo", "cal", CAPACITY,
                    server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(3650)));
            assertThat(admin.post("/api/v1/licenses", license).status()).isEqualTo(201);
            String licenseId = admin.get("/api/v1/licenses").json().get(0).get("id").asString();
            assertThat(admin.put("/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"" + policy + "\"}").status()).isEqualTo(200);

            Queue<String> violations = new ConcurrentLinkedQueue<>();
            AtomicLong epoch = new AtomicLong(); // bumped around every disruptive action
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger grants = new AtomicInteger();
            AtomicInteger checks = new AtomicInteger();

            Thread checker = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    checkStoredState(server, policy, violations);
                    checks.incrementAndGet();
                }
            });

            Thread controller = Thread.ofVirtual().start(() -> {
                Random rnd = new Random(42);
                while (running.get()) {
                    epoch.incrementAndGet();
                    int action = rnd.nextInt(10);
                    if (action < 5) {
                        // Most jumps stay within a lease; some go past it so leases lapse.
                        server.clock().advance(Duration.ofSeconds(rnd.nextInt(10) == 0 ? 130 : 1 + rnd.nextInt(30)));
                        server.server().sweeper().sweep();
                    } else if (action < 7) {
                        List<SeatRecord> seats = server.server().views().seats();
                        if (!seats.isEmpty()) {
                            String seat = seats.get(rnd.nextInt(seats.size())).seatId();
                            int s = admin.delete("/api/v1/seats/" + seat).status();
                            if (s != 204 && s != 404) {
                                violations.add("force release answered " + s);
                            }
                        }
                    } else if (action < 9) {
                        server.server().sweeper().flush();
                    } else {
                        int removed = admin.delete("/api/v1/licenses/" + licenseId).status();
                        Thread.yield();
                        int added = admin.post("/api/v1/licenses", license).status();
                        if (removed != 204 || added != 201) {
                            violations.add("license remove/re-add answered " + removed + "/" + added);
                        }
                    }
                    epoch.incrementAndGet();
                }
            });

            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                workers.add(Thread.ofVirtual().start(() -> runWorker(worker, client, epoch, grants, violations)));
            }
            for (Thread t : workers) {
                t.join();
            }
            running.set(false);
            controller.join();
            checker.join();

            assertThat(violations).isEmpty();
            assertThat(checks.get()).isGreaterThan(5);
            assertThat(grants.get()).isGreaterThan(WORKERS);

            // Quiescent: the counter agrees with the seats, and once every lease lapses all seats return.
            checkStoredState(server, policy, violations);
            assertThat(violations).isEmpty();
            assertThat(server.server().views().inUse().getOrDefault(POOL, 0)).isEqualTo(server.server().views().seats().size());
            server.clock().advance(Duration.ofSeconds(121));
            server.server().sweeper().sweep();
            assertThat(server.server().views().sessions()).isEmpty();
            assertThat(server.server().views().seats()).isEmpty();
            assertThat(server.server().views().inUse().getOrDefault(POOL, 0)).isZero();
        }
    }

    private static void runWorker(int worker, Http client, AtomicLong epoch, AtomicInteger grants, Queue<String> violations) {
        Random rnd = new Random(1000 + worker);
        String[] hosts = {"ws" + worker % 3, "WS" + worker % 3 + ".corp.example", "laptop" + worker % 2};
        for (int i = 0; i < OPS_PER_WORKER && violations.size() < 20; i++) {
            int slot = rnd.nextInt(4);
            String session = "w" + worker + "-s" + slot;
            // A session belongs to one person for its whole life; several workers share each person.
            String base = "user" + ((worker * 4 + slot) % USERS);
            String user = switch (rnd.nextInt(3)) {
                case 0 -> "CORP\\" + base;
                case 1 -> base.toUpperCase() + "@corp.example";
                default -> base;
            };
            String host = hosts[slot % hosts.length];
            int op = rnd.nextInt(20);
            if (op < 10) {
                long before = epoch.get();
                Http.Response r = client.checkout(session, "demo", "cal", user, host);
                // 404 unknown-pool and 503 server-not-licensed while the license is removed.
                expectStatus(r, violations, 200, 201, 404, 409, 503);
                if (r.status() == 409 && !r.problemType().equals("no-seats-available")) {
                    violations.add("409 of type " + r.problemType());
                }
                if (r.status() == 201) {
                    grants.incrementAndGet();
                }
                if (r.status() / 100 == 2) {
                    // Invariant 3: the same checkout again never takes a second seat.
                    Http.Response again = client.checkout(session, "demo", "cal", user, host);
                    expectStatus(again, violations, 200, 201, 404, 409, 503);
                    if (epoch.get() == before && before % 2 == 0 && again.status() / 100 == 2) {
                        if (!again.json().get("seatId").asString().equals(r.json().get("seatId").asString())
                                || again.status() != 200) {
                            violations.add("retry of " + session + " changed seat or status: " + r.text() + " then " + again.text());
                        }
                    }
                }
            } else if (op < 16) {
                expectStatus(client.heartbeat(session), violations, 200, 410);
            } else if (op < 19) {
                expectStatus(client.delete("/api/v1/sessions/" + session + "/checkouts/demo/cal"), violations, 204);
            } else {
                expectStatus(client.delete("/api/v1/sessions/" + session), violations, 204);
            }
        }
    }

    private static void expectStatus(Http.Response r, Queue<String> violations, int... allowed) {
        for (int a : allowed) {
            if (r.status() == a) {
                if (a == 503 && !r.problemType().equals("server-not-licensed")) {
                    violations.add("503 of type " + r.problemType());
                }
                if (a == 404 && !r.problemType().equals("unknown-pool")) {
                    violations.add("404 of type " + r.problemType());
                }
                return;
            }
        }
        violations.add("unexpected status " + r.status() + ": " + r.text());
    }

    /** Invariants 1, 2 and 5 on what the store holds right now. */
    private static void checkStoredState(TestServer server, String policy, Queue<String> violations) {
        List<SeatRecord> seats = server.server().views().seats();
        if (seats.size() > CAPACITY) {
            violations.add(seats.size() + " seats held, capacity is " + CAPACITY);
        }
        Map<String, Integer> perKey = new HashMap<>();
        Set<String> sessions = new HashSet<>();
        Set<String> seatIds = new HashSet<>();
        for (SeatRecord s : seats) {
            if (!seatIds.add(s.seatId())) {
                violations.add("seat listed twice: " + s.seatId());
            }
            String key = policy.equals("user") ? s.user() : s.seatKey();
            perKey.merge(key, 1, Integer::sum);
            for (SessionRecord session : s.sessions()) {
                if (!sessions.add(session.sessionId())) {
                    violations.add("session " + session.sessionId() + " attached to two seats of one pool");
                }
            }
        }
        perKey.forEach((k, n) -> {
            if (n > 1) {
                violations.add(k + " holds " + n + " seats (policy " + policy + ")");
            }
        });
    }
}
