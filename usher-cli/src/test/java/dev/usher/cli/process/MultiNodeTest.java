package dev.usher.cli.process;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestVendor;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The high-availability proof (issue 9): three Usher nodes as separate processes on one PostgreSQL,
 * 60 client sessions spread over them doing random checkouts, heartbeats and check-ins with
 * failover to the next node, while one node is {@code kill -9}ed, another restarted, and PostgreSQL
 * itself restarted. DESIGN §3 is checked throughout and at the end:
 * <ul>
 *   <li>seats in use never exceed the capacity, and nobody ever holds two seats of the pool;</li>
 *   <li>nothing acknowledged is lost: a client whose lease was still running when its heartbeat was
 *       answered never hears "lease expired", and at the end every client that holds a seat finds it
 *       (same seat id) on every node;</li>
 *   <li>sessions that were abandoned (client "crashed") are released by the sweeper, exactly once.</li>
 * </ul>
 */
class MultiNodeTest {

    private static final int CAPACITY = 20;
    private static final int CLIENTS = 60;
    private static final int PEOPLE = 30;
    private static final Duration TTL = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    private volatile EmbeddedPostgres postgres;

    private EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("max_connections", "200").start();
    }

    private record Holding(String session, String user, String seat, long ackStartNanos) {}

    @Test
    void threeNodesSurviveKillNineARestartAndADatabaseRestartWithTheInvariantsIntact() throws Exception {
        int pgPort;
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort();
        }
        Path pgData = dir.resolve("pg");
        postgres = startPostgres(pgData, pgPort);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE usher TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        }
        String url = "postgresql://127.0.0.1:" + pgPort + "/usher?user=postgres";
        String jdbc = "jdbc:postgresql://127.0.0.1:" + pgPort + "/usher?user=postgres";
        TestVendor vendor = new TestVendor();

        String[] nodeArgs = {"--db", url, "--lease-ttl", String.valueOf(TTL.toSeconds()), "--sweep-interval", "1"};
        List<ServerProcess> nodes = new ArrayList<>();
        AtomicReferenceArray<String> urls = new AtomicReferenceArray<>(3);
        Queue<String> violations = new ConcurrentLinkedQueue<>();
        try {
            for (int i = 0; i < 3; i++) {
                Path data = dir.resolve("node-" + i);
                Files.createDirectories(data.resolve("trusted-keys"));
                if (i == 0) {
                    vendor.trustIn(data); // shared with the other nodes through the database
                }
                nodes.add(ServerProcess.start(data, nodeArgs));
                urls.set(i, nodes.get(i).url());
            }
            Http admin0 = new Http(urls.get(0), ServerProcess.ADMIN_TOKEN);
            String installation = admin0.get("/api/v1/installation").json().get("installationId").asString();
            for (int i = 1; i < 3; i++) {
                assertThat(new Http(urls.get(i), ServerProcess.ADMIN_TOKEN).get("/api/v1/installation").json()
                        .get("installationId").asString()).as("one installation id for the cluster").isEqualTo(installation);
            }
            Instant now = Instant.now();
            String license = vendor.serverAndSeats(installation, "demo", "cal", CAPACITY, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
            assertThat(admin0.post("/api/v1/licenses", license).status()).isEqualTo(201);
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            for (int i = 0; i < 3; i++) {
                Http admin = new Http(urls.get(i), ServerProcess.ADMIN_TOKEN);
                while (capacity(admin) != CAPACITY) {
                    assertThat(System.nanoTime()).as("node " + i + " sees the license").isLessThan(deadline);
                    Thread.sleep(50);
                }
            }
            JsonNode cluster = admin0.get("/api/v1/cluster").json();
            assertThat(cluster.get("nodes")).hasSize(3);
            assertThat(cluster.get("sweeper").isNull()).isFalse();

            AtomicBoolean stop = new AtomicBoolean();
            Map<Integer, Holding> holding = new ConcurrentHashMap<>();
            Set<String> abandoned = ConcurrentHashMap.newKeySet();
            Map<String, Long> abandonedAt = new ConcurrentHashMap<>();
            AtomicInteger acks = new AtomicInteger();
            AtomicInteger failovers = new AtomicInteger();
            AtomicInteger sessionSeq = new AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                workers.add(Thread.ofVirtual().start(() -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    String user = "person-" + (client % PEOPLE);
                    int preferred = client % 3;
                    while (!stop.get()) {
                        Holding h = holding.get(client);
                        try {
                            if (h == null) {
                                String session = "c" + client + "-" + sessionSeq.incrementAndGet();
                                long start = System.nanoTime();
                                Http.Response r = call(urls, preferred, failovers,
                                        http -> http.checkout(session, "demo", "cal", user, "ws-" + client));
                                if (r != null && (r.status() == 201 || r.status() == 200)) {
                                    acks.incrementAndGet();
                                    holding.put(client, new Holding(session, user, r.json().get("seatId").asString(), start));
                                }
                            } else {
                                double dice = rnd.nextDouble();
                                if (dice < 0.08) {         // give it back
                                    Http.Response r = call(urls, preferred, failovers, http -> http.delete(
                                            "/api/v1/sessions/" + h.session() + "/checkouts/demo/cal"));
                                    if (r != null && r.status() == 204) {
                                        holding.remove(client);
                                    }
                                } else if (dice < 0.11) {  // the app crashes: no check-in, no heartbeats
                                    holding.remove(client);
                                    abandoned.add(h.session());
                                    abandonedAt.put(h.session(), System.nanoTime());
                                } else {                   // heartbeat
                                    long start = System.nanoTime();
                                    Http.Response r = call(urls, preferred, failovers, http -> http.heartbeat(h.session()));
                                    long end = System.nanoTime();
                                    if (r != null && r.status() == 200) {
                                        acks.incrementAndGet();
                                        holding.put(client, new Holding(h.session(), h.user(), h.seat(), start));
                                    } else if (r != null && r.status() == 410) {
                                        holding.remove(client);
                                        if (end - h.ackStartNanos() < TTL.toNanos()) {
                                            violations.add("lease of " + h.session() + " expired although acknowledged "
                                                    + Duration.ofNanos(end - h.ackStartNanos()).toMillis() + " ms before");
                                        }
                                    }
                                }
                            }
                            Thread.sleep(rnd.nextLong(300, 2200)); // heartbeats well inside TTL/3
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }));
            }

            // Watch the invariants on whichever node answers.
            AtomicInteger checks = new AtomicInteger();
            Thread monitor = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    for (int i = 0; i < 3 && !stop.get(); i++) {
                        try {
                            Http.Response seats = new Http(urls.get(i), ServerProcess.ADMIN_TOKEN).get("/api/v1/seats");
                            if (seats.status() == 200) {
                                checkSeats(seats.json(), violations);
                                checks.incrementAndGet();
                            }
                        } catch (RuntimeException e) {
                            // node down right now
                        }
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });

            Thread.sleep(8_000);
            nodes.get(1).kill9();                                  // a node dies mid-run
            Thread.sleep(5_000);
            nodes.get(2).stop();                                   // another is restarted
            nodes.set(2, ServerProcess.start(dir.resolve("node-2"), nodeArgs));
            urls.set(2, nodes.get(2).url());
            Thread.sleep(5_000);
            postgres.close();                                      // the database restarts
            Thread.sleep(1_500);
            postgres = startPostgres(pgData, pgPort);
            Thread.sleep(4_000);
            nodes.set(1, ServerProcess.start(dir.resolve("node-1"), nodeArgs)); // the dead node comes back
            urls.set(1, nodes.get(1).url());
            Thread.sleep(6_000);

            stop.set(true);
            for (Thread t : workers) {
                t.join(30_000);
            }
            monitor.join(10_000);

            // Every client that holds a seat (last acknowledged within the TTL) finds it on every node.
            long endNanos = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                Http admin = new Http(urls.get(i), ServerProcess.ADMIN_TOKEN);
                JsonNode seats = admin.get("/api/v1/seats").json();
                checkSeats(seats, violations);
                Map<String, String> seatOfSession = new HashMap<>();
                for (JsonNode seat : seats) {
                    for (JsonNode s : seat.get("sessions")) {
                        seatOfSession.put(s.get("sessionId").asString(), seat.get("seatId").asString());
                    }
                }
                for (Holding h : holding.values()) {
                    if (endNanos - h.ackStartNanos() < TTL.toNanos() - Duration.ofSeconds(1).toNanos()) {
                        assertThat(seatOfSession.get(h.session())).as("acknowledged seat of " + h.session() + " on node " + i)
                                .isEqualTo(h.seat());
                    }
                }
            }

            // Abandoned sessions: released by a sweeper within TTL + sweep interval (+ slack), exactly once.
            Thread.sleep(TTL.plusSeconds(3).toMillis());
            Http admin = new Http(urls.get(0), ServerProcess.ADMIN_TOKEN);
            Set<String> live = new java.util.HashSet<>();
            for (JsonNode s : admin.get("/api/v1/sessions").json()) {
                live.add(s.get("sessionId").asString());
            }
            Map<String, Integer> expiries = new HashMap<>();
            try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT session_id, COUNT(*) FROM seat_events WHERE type = 'EXPIRY' GROUP BY session_id")) {
                while (rs.next()) {
                    expiries.put(rs.getString(1), rs.getInt(2));
                }
            }
            for (String s : abandoned) {
                assertThat(live).as("abandoned session " + s + " released").doesNotContain(s);
                assertThat(expiries.getOrDefault(s, 0)).as("expiries of " + s).isEqualTo(1);
            }
            expiries.forEach((s, n) -> assertThat(n).as("expiries of " + s).isEqualTo(1));

            // The audit trail, appended by all three nodes' recorders through the kill, the restarts and the
            // database restart: one intact chain holding every seat event exactly once.
            long auditDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            JsonNode verify = admin.get("/api/v1/audit/verify").json();
            while (verify.get("pending").asLong() > 0) {
                assertThat(System.nanoTime()).as("audit trail caught up: " + verify).isLessThan(auditDeadline);
                Thread.sleep(200);
                verify = admin.get("/api/v1/audit/verify").json();
            }
            assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
            try (Connection c = DriverManager.getConnection(jdbc); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("""
                         SELECT COUNT(*), COALESCE(SUM(COALESCE(e.n, 0)), 0) FROM
                           (SELECT LOWER(REPLACE(type, '_', '-')) AS t, COALESCE(session_id, '') AS s, COALESCE(seat_id, '') AS seat,
                                   at, COUNT(*) AS n FROM seat_events GROUP BY 1, 2, 3, 4) e
                           FULL JOIN (SELECT type AS t, COALESCE(session_id, '') AS s, COALESCE(seat_id, '') AS seat, at, COUNT(*) AS n
                                      FROM audit_log WHERE kind = 'seat' GROUP BY 1, 2, 3, 4) a USING (t, s, seat, at)
                         WHERE e.n IS DISTINCT FROM a.n""")) {
                rs.next();
                assertThat(rs.getLong(1)).as("seat events missing from the audit trail or in it twice").isZero();
            }

            assertThat(violations).as("invariant violations").isEmpty();
            assertThat(acks.get()).as("acknowledged requests").isGreaterThan(500);
            assertThat(abandoned).as("abandoned sessions").isNotEmpty();
            assertThat(checks.get()).as("invariant checks during the run").isGreaterThan(50);
            System.out.printf("multi-node: %d acknowledged, %d failovers, %d abandoned, %d checks%n",
                    acks.get(), failovers.get(), abandoned.size(), checks.get());
        } finally {
            for (ServerProcess n : nodes) {
                n.close();
            }
            postgres.close();
        }
    }

    /** Tries the client's node, then the others (as usher-client does with several URLs). */
    private static Http.Response call(AtomicReferenceArray<String> urls, int preferred, AtomicInteger failovers,
                                      java.util.function.Function<Http, Http.Response> request) {
        for (int k = 0; k < 3; k++) {
            String base = urls.get((preferred + k) % 3);
            try {
                Http.Response r = request.apply(new Http(base, null));
                if (r.status() < 500) {
                    return r;
                }
            } catch (RuntimeException e) {
                // connection refused or reset: the next node
            }
            failovers.incrementAndGet();
        }
        return null;
    }

    private static void checkSeats(JsonNode seats, Queue<String> violations) {
        if (seats.size() > CAPACITY) {
            violations.add(seats.size() + " seats held, capacity " + CAPACITY);
        }
        Map<String, Integer> perUser = new HashMap<>();
        for (JsonNode seat : seats) {
            perUser.merge(seat.get("user").asString(), 1, Integer::sum);
        }
        perUser.forEach((u, n) -> {
            if (n > 1) {
                violations.add(u + " holds " + n + " seats");
            }
        });
    }

    private static int capacity(Http admin) {
        for (JsonNode p : admin.get("/api/v1/pools").json()) {
            if (p.get("feature").asString().equals("cal")) {
                return p.get("capacity").asInt();
            }
        }
        return 0;
    }
}
