package dev.usher.server.license;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Licenses are added and removed while people work: one thread removes and re-adds the same file
 * over and over while many distinct users check out, heartbeat and check in, and a sampler reads
 * {@code /pools} and {@code /seats} throughout. With K licensed seats, the pool never has more than
 * K in use (grants only happen while the file is in), nobody holds two seats, every seat is listed
 * once, and no request fails in a way other than the expected refusals.
 */
class HotLicenseChangeTest {

    private static final int K = 4;
    private static final int USERS = 12;
    private static final int ROUNDS_PER_USER = 25;
    private static final int MIN_LICENSE_FLIPS = 20;

    @TempDir
    Path dir;

    @Test
    void removingAndReAddingALicenseUnderLoadNeverBreaksTheInvariants() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            Http admin = server.admin();
            Http client = server.client();
            String text = server.vendor().serverAndSeats(server.installationId(), "demo", "cal", K,
                    server.now().minus(Duration.ofDays(1)), server.now().plus(Duration.ofDays(365)));
            Http.Response added = admin.post("/api/v1/licenses", text);
            assertThat(added.status()).isEqualTo(201);
            String id = added.json().get("id").asString();

            Queue<String> violations = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger grants = new AtomicInteger();
            AtomicInteger refusals = new AtomicInteger();
            AtomicInteger samples = new AtomicInteger();
            AtomicBoolean usersDone = new AtomicBoolean();
            AtomicInteger flipsDuringWork = new AtomicInteger();

            Thread sampler = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    sample(admin, violations);
                    samples.incrementAndGet();
                }
            });
            Thread flipper = Thread.ofVirtual().start(() -> {
                for (int i = 0; !usersDone.get() && violations.size() < 20; i++) {
                    expect(admin.delete("/api/v1/licenses/" + id), violations, "remove", 204);
                    // Effective at once, under load: while the only file is out, nobody new gets a seat.
                    Http.Response probe = client.checkout("probe-" + i, "demo", "cal", "probe" + i, "ws-probe");
                    if (probe.status() != 404 || !probe.problemType().equals("unknown-pool")) {
                        violations.add("checkout with the license removed answered " + probe.status() + " " + probe.text());
                    }
                    Http.Response r = admin.post("/api/v1/licenses", text);
                    expect(r, violations, "re-add", 201);
                    if (r.status() == 201 && !r.json().get("id").asString().equals(id)) {
                        violations.add("re-added license got id " + r.json().get("id").asString());
                    }
                    if (!usersDone.get()) {
                        flipsDuringWork.incrementAndGet();
                    }
                }
            });
            List<Thread> users = new ArrayList<>();
            for (int u = 0; u < USERS; u++) {
                String user = "user" + u;
                users.add(Thread.ofVirtual().start(() -> work(client, user, flipsDuringWork, violations, grants, refusals)));
            }
            for (Thread t : users) {
                t.join();
            }
            usersDone.set(true);
            flipper.join();
            running.set(false);
            sampler.join();

            assertThat(violations).isEmpty();
            // The run exercised what it claims to: grants, refusals and many samples while the file flipped.
            assertThat(grants.get()).isGreaterThan(USERS);
            assertThat(refusals.get()).isPositive();
            assertThat(samples.get()).isGreaterThan(5);
            assertThat(flipsDuringWork.get()).isGreaterThanOrEqualTo(MIN_LICENSE_FLIPS);

            // Quiescent: one license, the counter agrees with the seats, the invariants hold.
            assertThat(admin.get("/api/v1/licenses").json()).hasSize(1);
            sample(admin, violations);
            assertThat(violations).isEmpty();
            JsonNode seats = admin.get("/api/v1/seats").json();
            JsonNode pool = admin.get("/api/v1/pools").json().get(0);
            assertThat(pool.get("capacity").asInt()).isEqualTo(K);
            assertThat(pool.get("inUse").asInt()).isEqualTo(seats.size()).isLessThanOrEqualTo(K);
            assertThat(admin.get("/api/v1/sessions").json().size()).isLessThanOrEqualTo(K);
        }
    }

    /** One person, one session: check out, heartbeat, check in, again and again. */
    private static void work(Http client, String user, AtomicInteger flips, Queue<String> violations, AtomicInteger grants,
                             AtomicInteger refusals) {
        String session = "session-" + user;
        String seat = null;
        // Every user keeps going until the file has flipped often enough, so the flips overlap the work by construction.
        // (Bounded, should the flipper die.)
        for (int i = 0; (i < ROUNDS_PER_USER || flips.get() < MIN_LICENSE_FLIPS) && i < 50 * ROUNDS_PER_USER
                && violations.size() < 20; i++) {
            Http.Response r = client.checkout(session, "demo", "cal", user, "ws-" + user);
            switch (r.status()) {
                case 201, 200 -> {
                    if (r.status() == 201) {
                        grants.incrementAndGet();
                    } else if (seat == null || !seat.equals(r.json().get("seatId").asString())) {
                        // 200 only for the seat this person already holds.
                        violations.add(user + ": 200 for seat " + r.json().get("seatId").asString() + " but held " + seat);
                    }
                    seat = r.json().get("seatId").asString();
                    expect(client.heartbeat(session), violations, user + " heartbeat", 200);
                    if (i % 3 != 0) {
                        expect(client.delete("/api/v1/sessions/" + session + "/checkouts/demo/cal"), violations, user + " checkin", 204);
                        seat = null;
                    }
                }
                case 409, 503, 404 -> {
                    refusals.incrementAndGet();
                    String type = r.problemType();
                    boolean expected = (r.status() == 409 && type.equals("no-seats-available"))
                            || (r.status() == 503 && type.equals("server-not-licensed"))
                            || (r.status() == 404 && type.equals("unknown-pool")); // the only file is out right now
                    if (!expected) {
                        violations.add(user + ": refused with " + r.status() + " " + r.text());
                    }
                    if (seat != null) {
                        violations.add(user + ": refused although holding seat " + seat + ": " + r.text());
                    }
                }
                default -> violations.add(user + ": checkout answered " + r.status() + " " + r.text());
            }
        }
        expect(client.delete("/api/v1/sessions/" + session), violations, user + " end session", 204);
    }

    private static void expect(Http.Response r, Queue<String> violations, String what, int status) {
        if (r.status() != status) {
            violations.add(what + " answered " + r.status() + " " + r.text());
        }
    }

    private static void sample(Http admin, Queue<String> violations) {
        Http.Response pools = admin.get("/api/v1/pools");
        Http.Response seats = admin.get("/api/v1/seats");
        if (pools.status() != 200 || seats.status() != 200) {
            violations.add("admin reads answered " + pools.status() + "/" + seats.status());
            return;
        }
        for (JsonNode p : pools.json()) {
            if (p.get("inUse").asInt() > K) {
                violations.add("pool shows " + p.get("inUse").asInt() + " in use with " + K + " licensed: " + p);
            }
        }
        Set<String> seatIds = new HashSet<>();
        Set<String> holders = new HashSet<>();
        Set<String> sessions = new HashSet<>();
        for (JsonNode s : seats.json()) {
            if (!seatIds.add(s.get("seatId").asString())) {
                violations.add("seat listed twice: " + s);
            }
            if (!holders.add(s.get("user").asString())) {
                violations.add(s.get("user").asString() + " holds two seats of the pool");
            }
            for (JsonNode session : s.get("sessions")) {
                if (!sessions.add(session.get("sessionId").asString())) {
                    violations.add("session on two seats: " + session);
                }
            }
        }
        if (seatIds.size() > K) {
            violations.add(seatIds.size() + " seats held with " + K + " licensed");
        }
    }
}
