package dev.usher.server.cluster;

import dev.usher.server.testing.Http;
import dev.usher.server.testing.TestServer;
import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several nodes on one real PostgreSQL, in one JVM (the process-level proof with kill -9 is
 * MultiNodeTest in usher-cli). The nodes share a clock, as NTP-synchronized servers do.
 */
class ClusterTest {

    @TempDir
    Path dir;

    private final List<TestServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private TestServer first() {
        TestServer s = TestServer.startOnPostgres(dir.resolve("node-a"), c -> c);
        nodes.add(s);
        return s;
    }

    private TestServer join(TestServer first, String name) {
        TestServer s = first.join(dir.resolve(name));
        nodes.add(s);
        return s;
    }

    private static void within(Duration d, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + d.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + d + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static int capacity(TestServer s, String feature) {
        for (JsonNode p : s.admin().get("/api/v1/pools").json()) {
            if (p.get("feature").asString().equals(feature)) {
                return p.get("capacity").asInt();
            }
        }
        return 0;
    }

    private static long events(TestServer s, String type) {
        int n = 0;
        for (var e : s.server().views().events(10_000)) {
            if (e.type().name().equals(type)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void heartbeatsToOneNodeKeepTheSeatWhileAnotherNodeSweepsAndTheLapseIsReleasedOnce() {
        TestServer b = first();                   // starts first: holds the sweeper lock
        TestServer a = join(b, "node-a2");
        assertThat(b.server().cluster().leadsSweeps()).isTrue();
        assertThat(a.server().cluster().leadsSweeps()).isFalse();
        b.license("demo", "cal", 5);
        within(Duration.ofSeconds(1), () -> capacity(a, "cal") == 5, "node A sees the license added on node B");

        Http clientA = a.client();
        Http.Response first = clientA.checkout("s1", "demo", "cal", "alice", "ws1");
        assertThat(first.status()).isEqualTo(201);
        for (int i = 0; i < 9; i++) { // three lease lifetimes of heartbeats, all to node A
            a.clock().advance(Duration.ofSeconds(40));
            assertThat(clientA.heartbeat("s1").status()).isEqualTo(200);
            assertThat(b.server().sweeper().sweep()).isZero(); // node B sweeps from the database
            assertThat(a.server().sweeper().sweep()).isZero(); // node A does not hold the sweeper lock
        }
        assertThat(b.admin().get("/api/v1/seats").json()).hasSize(1);

        // A heartbeat to node B, which never saw this session: it takes the lease from the database.
        a.clock().advance(Duration.ofSeconds(40));
        assertThat(b.client().heartbeat("s1").status()).isEqualTo(200);

        // The client dies. One ms before its lease ends the seat is held; at the end B releases it, once.
        a.clock().advance(Duration.ofSeconds(120).minusMillis(1));
        assertThat(b.server().sweeper().sweep()).isZero();
        assertThat(b.admin().get("/api/v1/seats").json()).hasSize(1);
        a.clock().advance(Duration.ofMillis(1));
        assertThat(b.server().sweeper().sweep()).isEqualTo(1);
        assertThat(b.server().sweeper().sweep()).isZero();
        assertThat(b.admin().get("/api/v1/seats").json()).isEmpty();
        assertThat(events(b, "EXPIRY")).isEqualTo(1);
        assertThat(clientA.heartbeat("s1").status()).isEqualTo(410);
        assertThat(b.client().heartbeat("s1").status()).isEqualTo(410);
    }

    @Test
    void whenTheSweepingNodeStopsAnotherTakesOver() {
        TestServer b = first();
        TestServer a = join(b, "node-a2");
        assertThat(a.server().cluster().leadsSweeps()).isFalse();
        b.close();
        nodes.remove(b);
        within(Duration.ofSeconds(2), () -> a.server().cluster().leadsSweeps(), "node A takes the sweeper lock");
        JsonNode cluster = a.admin().get("/api/v1/cluster").json();
        assertThat(cluster.get("store").asString()).isEqualTo("postgresql");
        assertThat(cluster.get("sweeper").asString()).isEqualTo(a.server().cluster().nodeId());
    }

    @Test
    void changesOnOneNodeAreSeenByTheOthersWithinOneSecond() {
        TestServer a = first();
        TestServer b = join(a, "node-b");
        TestServer c = join(a, "node-c");

        // License add and remove.
        String id = a.license("demo", "cal", 3);
        within(Duration.ofSeconds(1), () -> capacity(b, "cal") == 3 && capacity(c, "cal") == 3, "the license on every node");
        assertThat(c.admin().delete("/api/v1/licenses/" + id).status()).isEqualTo(204);
        within(Duration.ofSeconds(1), () -> capacity(a, "cal") == 0 && capacity(b, "cal") == 0, "the removal on every node");
        a.license("demo", "cal", 3);

        // Pool settings (seat key policy) set on B govern checkouts on C.
        assertThat(b.admin().put("/api/v1/pools/demo/cal/policy", "{\"seatKeyPolicy\":\"session\",\"lingerSeconds\":0}").status())
                .isIn(200, 204);
        within(Duration.ofSeconds(1), () -> c.server().seats().settings("demo", "cal").policy().code().equals("session"), "settings on C");

        // An API token made on A works on C at once; revoked on B, refused on C within a second.
        Http.Response user = a.admin().post("/api/v1/users", "{\"name\":\"ci-bot\",\"password\":\"a-long-password-123\"}");
        assertThat(user.status()).isEqualTo(201);
        long userId = user.json().get("id").asLong();
        Http.Response token = a.admin().post("/api/v1/users/" + userId + "/tokens", "{\"name\":\"build\"}");
        assertThat(token.status()).isEqualTo(201);
        Http onC = new Http(c.server().localUrl(), token.json().get("token").asString());
        assertThat(onC.get("/api/v1/auth/me").status()).isEqualTo(200);
        assertThat(b.admin().delete("/api/v1/tokens/" + token.json().get("id").asString()).status()).isEqualTo(204);
        within(Duration.ofSeconds(1), () -> onC.get("/api/v1/auth/me").status() == 401, "the revoked token refused on C");
    }

    @Test
    void concurrentCheckoutsSpreadOverThreeNodesNeverOverfillAPoolOrGiveAPersonTwoSeats() throws Exception {
        TestServer a = first();
        TestServer b = join(a, "node-b");
        TestServer c = join(a, "node-c");
        a.license("demo", "cal", 7);
        within(Duration.ofSeconds(1), () -> capacity(b, "cal") == 7 && capacity(c, "cal") == 7, "the license everywhere");
        List<Http> clients = List.of(a.client(), b.client(), c.client());
        Map<String, Set<String>> seatsByUser = new ConcurrentHashMap<>();
        AtomicInteger granted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(12);
        List<Future<?>> work = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int n = i;
            work.add(pool.submit(() -> {
                String user = "user-" + (n % 15); // 15 people, 8 sessions each, over three nodes
                Http.Response r = clients.get(n % 3).checkout("sess-" + n, "demo", "cal", user, "ws-" + (n % 4));
                if (r.status() == 200 || r.status() == 201) {
                    granted.incrementAndGet();
                    seatsByUser.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(r.json().get("seatId").asString());
                } else {
                    assertThat(r.status()).isEqualTo(409);
                    refused.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool.shutdown();
        assertThat(seatsByUser).hasSize(7);
        seatsByUser.forEach((user, seats) -> assertThat(seats).as(user).hasSize(1));
        JsonNode seats = b.admin().get("/api/v1/seats").json();
        assertThat(seats).hasSize(7);
        assertThat(granted.get() + refused.get()).isEqualTo(120);
        for (TestServer s : nodes) {
            assertThat(s.server().views().inUse().values()).containsExactly(7);
        }
    }

    @Test
    void simultaneousFirstCheckoutsOfManyPeopleOnThreeNodesGrantExactlyTheCapacity() throws Exception {
        TestServer a = first();
        TestServer b = join(a, "node-b");
        TestServer c = join(a, "node-c");
        a.license("demo", "cal", 4);
        within(Duration.ofSeconds(1), () -> capacity(b, "cal") == 4 && capacity(c, "cal") == 4, "the license everywhere");
        List<Http> clients = List.of(a.client(), b.client(), c.client());
        // The people exist already (creating a person is a configuration change, which serializes by itself).
        for (int i = 0; i < 24; i++) {
            assertThat(a.admin().post("/api/v1/users", "{\"name\":\"user-" + i + "\",\"password\":\"a-long-password-123\"}").status())
                    .isEqualTo(201);
        }
        ExecutorService pool = Executors.newFixedThreadPool(24);
        try {
            for (int round = 0; round < 6; round++) {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<Future<Http.Response>> answers = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    int n = i;
                    int r = round;
                    answers.add(pool.submit(() -> {
                        go.await();
                        return clients.get(n % 3).checkout("r" + r + "-s" + n, "demo", "cal", "user-" + n, "ws");
                    }));
                }
                go.countDown();
                List<String> grantedSessions = new ArrayList<>();
                for (int i = 0; i < answers.size(); i++) {
                    Http.Response resp = answers.get(i).get();
                    assertThat(resp.status()).isIn(201, 409);
                    if (resp.status() == 201) {
                        grantedSessions.add("r" + round + "-s" + i);
                    }
                }
                assertThat(grantedSessions).as("grants in round " + round).hasSize(4);
                for (String s : grantedSessions) {
                    assertThat(clients.get(round % 3).delete("/api/v1/sessions/" + s).status()).isEqualTo(204);
                }
            }
        } finally {
            pool.shutdown();
        }
        assertThat(a.server().views().inUse().values()).containsOnly(0);
    }

    @Test
    void threeNodesMigratingAnEmptyDatabaseAtOnceAllStart() throws Exception {
        String url = TestDatabases.newDatabase();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<PostgresDatabase>> opened = new ArrayList<>();
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        for (int i = 0; i < 3; i++) {
            opened.add(pool.submit(() -> {
                go.await();
                return PostgresDatabase.open(url, 2);
            }));
        }
        go.countDown();
        List<PostgresDatabase> dbs = new ArrayList<>();
        for (Future<PostgresDatabase> f : opened) {
            dbs.add(f.get());
        }
        pool.shutdown();
        try {
            for (PostgresDatabase db : dbs) {
                assertThat(db.schemaProblem()).isEmpty();
            }
            List<String> versions = dbs.get(0).read(h -> h.createQuery(
                    "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank").mapTo(String.class).list());
            assertThat(versions).doesNotHaveDuplicates().contains("1", "2", "3", "3.1");
        } finally {
            dbs.forEach(PostgresDatabase::close);
        }
    }

    @Test
    void aNodeWhoseClockIsAMinuteOffTheDatabasesDoesNotSweepAndIsNotReady() {
        dev.usher.server.testing.MutableClock clock = dev.usher.server.testing.MutableClock.realTime();
        TestServer a = TestServer.startOnPostgres(dir.resolve("node-a"), clock, c -> c);
        nodes.add(a);
        ClusterNode node = (ClusterNode) a.server().cluster();
        a.license("demo", "cal", 5);
        assertThat(a.client().checkout("s1", "demo", "cal", "alice", "ws1").status()).isEqualTo(201);
        node.tick();
        assertThat(a.client().get("/readyz").status()).isEqualTo(200);

        // The node's clock is stepped a minute ahead of the database's (and time passes past the lease TTL).
        clock.step(Duration.ofMinutes(1));
        clock.tick(Duration.ofSeconds(1));
        node.tick();
        Http.Response ready = a.client().get("/readyz");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().get("clock").asString()).isEqualTo("off");
        assertThat(ready.json().get("status").asString()).contains("ahead of the database's", "does not sweep");
        clock.advance(Duration.ofMinutes(3));
        node.tick();
        assertThat(node.leadsSweeps()).isTrue();
        assertThat(a.server().sweeper().sweep()).isZero();
        assertThat(a.admin().get("/api/v1/seats").json()).hasSize(1);

        // Set right again: ready, and it sweeps once a beat after the step confirmed its clock.
        clock.step(Duration.ofMinutes(-4));
        node.tick();
        assertThat(a.client().get("/readyz").status()).isEqualTo(200);
    }

    @Test
    void readinessSaysTheDatabaseIsReachableAndTheSchemaCurrent() {
        TestServer a = first();
        Http.Response ready = a.client().get("/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("database").asString()).isEqualTo("reachable");
        assertThat(ready.json().get("migrations").asString()).isEqualTo("current");
        TestServer b = join(a, "node-b");
        JsonNode cluster = b.admin().get("/api/v1/cluster").json();
        assertThat(cluster.get("nodes")).hasSize(2);
        assertThat(cluster.get("thisNode").asString()).isEqualTo(b.server().cluster().nodeId());
        assertThat(cluster.get("sweeper").asString()).isEqualTo(a.server().cluster().nodeId());
        assertThat(a.client().get("/api/v1/cluster").status()).isEqualTo(401);
    }
}
