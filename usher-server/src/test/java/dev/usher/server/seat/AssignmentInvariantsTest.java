package dev.usher.server.seat;

import dev.usher.core.seat.SeatRecord;
import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assignment rules under randomized concurrent traffic on a real server: capacity 6, a reserve of 2
 * for role A, a reserve of 1 for role B, a limit of 2 for role C. Checked continuously: never above
 * capacity, never two seats per person, non-members never in a reserve's seats, the limit honoured;
 * then, quiescent, every explanation matches what a checkout actually does.
 */
class AssignmentInvariantsTest {

    private static final int CAPACITY = 6;
    private static final Map<String, Set<String>> ROLES = new HashMap<>();

    static {
        for (String u : List.of("a1", "a2", "a3")) {
            ROLES.put(u, Set.of("A"));
        }
        ROLES.put("b1", Set.of("B"));
        ROLES.put("b2", Set.of("B"));
        ROLES.put("ab", Set.of("A", "B"));
        for (String u : List.of("c1", "c2", "c3", "c4")) {
            ROLES.put(u, Set.of("C"));
        }
        for (String u : List.of("n1", "n2", "n3")) {
            ROLES.put(u, Set.of());
        }
    }

    @TempDir
    Path dir;

    @Test
    void rulesHoldUnderConcurrencyAndExplanationsMatchOutcomes() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            server.license("demo", "cal", CAPACITY);
            Http admin = server.admin();
            Http anon = server.client();
            Map<String, Long> roleIds = new HashMap<>();
            for (String r : List.of("A", "B", "C")) {
                roleIds.put(r, admin.post("/api/v1/roles", "{\"name\":\"" + r + "\"}").json().get("id").asLong());
            }
            for (String u : ROLES.keySet()) {
                anon.checkout("seed-" + u, "demo", "cal", u, "h");
                anon.delete("/api/v1/sessions/seed-" + u);
                long id = admin.get("/api/v1/users?search=" + u).json().get("items").get(0).get("id").asLong();
                for (String r : ROLES.get(u)) {
                    admin.put("/api/v1/roles/" + roleIds.get(r) + "/members/" + id, "");
                }
            }
            Http.Response saved = admin.withHeader("If-Match", "\"0\"").put("/api/v1/pools/demo/cal/rules", """
                    {"rules":[{"kind":"reserve","role":"A","seats":2},{"kind":"reserve","role":"B","seats":1},
                              {"kind":"limit","role":"C","seats":2}]}""");
            assertThat(saved.status()).as(saved.text()).isEqualTo(200);

            Queue<String> violations = new ConcurrentLinkedQueue<>();
            AtomicBoolean running = new AtomicBoolean(true);
            Thread checker = Thread.ofVirtual().start(() -> {
                while (running.get()) {
                    check(server.server().views().seats(), violations);
                }
            });
            List<String> users = new ArrayList<>(ROLES.keySet());
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                workers.add(Thread.ofVirtual().start(() -> {
                    Random rnd = new Random(worker);
                    for (int i = 0; i < 150; i++) {
                        String user = users.get(rnd.nextInt(users.size()));
                        String session = user + "-w" + worker;
                        int op = rnd.nextInt(10);
                        Http.Response r = op < 6 ? anon.checkout(session, "demo", "cal", user, "h" + worker)
                                : op < 9 ? anon.delete("/api/v1/sessions/" + session + "/checkouts/demo/cal")
                                : anon.heartbeat(session);
                        if (r.status() >= 500 || r.status() == 400) {
                            violations.add("unexpected " + r.status() + " " + r.text());
                        }
                        if (r.status() == 409 && !r.json().get("detail").asString().matches(".*(reserve for the members of \\w+: \\d+ of \\d+|shared part: \\d+ of \\d+|may hold at most \\d+ seats?( together)?, and \\d+ (is|are) in use).*")) {
                            violations.add("409 without the rule and numbers: " + r.text());
                        }
                        if (worker == 0 && i % 50 == 49) {
                            server.clock().advance(Duration.ofSeconds(130)); // everyone lapses now and then
                            server.server().sweeper().sweep();
                        }
                    }
                }));
            }
            for (Thread t : workers) {
                t.join();
            }
            running.set(false);
            checker.join();
            check(server.server().views().seats(), violations);
            assertThat(violations).isEmpty();

            // Quiescent: what explain says is what a checkout then does, person by person.
            for (String user : users) {
                String outcome = admin.get("/api/v1/explain?user=" + user + "&product=demo&feature=cal").json().get("outcome").asString();
                Http.Response r = anon.checkout("final-" + user, "demo", "cal", user, "hz");
                switch (outcome) {
                    case "would-get" -> assertThat(r.status()).as(user).isEqualTo(201);
                    case "holds" -> assertThat(r.status()).as(user).isEqualTo(200);
                    default -> assertThat(r.status()).as(user + " " + r.text()).isIn(403, 409);
                }
                check(server.server().views().seats(), violations);
            }
            assertThat(violations).isEmpty();
        }
    }

    private static void check(List<SeatRecord> seats, Queue<String> violations) {
        if (seats.size() > CAPACITY) {
            violations.add(seats.size() + " seats held, capacity " + CAPACITY);
        }
        Map<String, Integer> perUser = new HashMap<>();
        int notA = 0;
        int notB = 0;
        int neither = 0;
        int inC = 0;
        for (SeatRecord s : seats) {
            perUser.merge(s.user(), 1, Integer::sum);
            Set<String> r = ROLES.getOrDefault(s.user(), Set.of());
            notA += r.contains("A") ? 0 : 1;
            notB += r.contains("B") ? 0 : 1;
            neither += r.contains("A") || r.contains("B") ? 0 : 1;
            inC += r.contains("C") ? 1 : 0;
        }
        perUser.forEach((u, n) -> {
            if (n > 1) {
                violations.add(u + " holds " + n + " seats");
            }
        });
        // Reserves honoured: whoever is not in A can only use the 4 seats outside A's reserve, and so on.
        if (notA > CAPACITY - 2 || notB > CAPACITY - 1 || neither > CAPACITY - 3) {
            violations.add("reserve violated: notA " + notA + ", notB " + notB + ", neither " + neither);
        }
        if (inC > 2) {
            violations.add("limit for C violated: " + inC);
        }
    }
}
