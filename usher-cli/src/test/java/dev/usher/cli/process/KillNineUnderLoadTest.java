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
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, point 13: {@code kill -9} at a random moment under load, again and again. A client
 * logs every grant and release the server acknowledged; after each kill and restart, every
 * acknowledged grant is held (same seat) and nothing is held that was not acknowledged, except a
 * session whose request was in flight at the kill (the server may or may not have committed it).
 *
 * <p>Cost: SQLite, 20 kills of the one server (each a JVM start, about 5-10 s here); PostgreSQL,
 * two nodes, 5 rounds of killing a node and then the database (kill -9 of the postmaster, crash
 * recovery on restart). About 3-5 minutes together on a 2-core machine.
 */
class KillNineUnderLoadTest {

    private static final int CAPACITY = 200;
    private static final int WORKERS = 6;
    private static final int SESSIONS_PER_WORKER = 8;
    /** Leases outlive the test: only kills may change what is held. */
    private static final String[] LONG_LEASES = {"--lease-ttl", "3600"};

    @TempDir
    Path dir;

    /**
     * What the client was told, per session: the seat it holds ({@code null} after an acknowledged
     * release), and the sessions with a request in flight (unknown outcome if the server dies now).
     */
    static final class Ledger {
        private final Map<String, String> held = new ConcurrentHashMap<>();
        private final Set<String> released = ConcurrentHashMap.newKeySet();
        private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

        void granted(String session, String seat) {
            released.remove(session);
            held.put(session, seat);
        }

        void released(String session) {
            held.remove(session);
            released.add(session);
        }

        /** After a check: the server's state is the truth again (in-flight outcomes included). */
        void reset(Map<String, String> stored) {
            held.clear();
            released.clear();
            inFlight.clear();
            held.putAll(stored);
        }

        /** What is wrong with the server's sessions (session -> seat) against this ledger. */
        List<String> violations(Map<String, String> stored) {
            List<String> out = new ArrayList<>();
            held.forEach((session, seat) -> {
                if (!inFlight.contains(session) && !seat.equals(stored.get(session))) {
                    out.add("acknowledged grant " + session + " on " + seat + " is not held (holds " + stored.get(session) + ")");
                }
            });
            stored.forEach((session, seat) -> {
                if (!held.containsKey(session) && !inFlight.contains(session)) {
                    out.add("session " + session + " holds " + seat + " but "
                            + (released.contains(session) ? "its release was acknowledged" : "no grant was acknowledged"));
                }
            });
            return out;
        }
    }

    /** Checkouts and releases on each worker's own sessions, against whichever URL {@code target} gives, until stopped. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger answered = new AtomicInteger();
        private final List<Thread> workers = new ArrayList<>();

        Load(Ledger ledger, Supplier<String> target, long seed) {
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                workers.add(Thread.ofVirtual().start(() -> {
                    Random rnd = new Random(seed * 31 + worker);
                    while (!stop.get()) {
                        String session = "w" + worker + "-" + rnd.nextInt(SESSIONS_PER_WORKER);
                        Http client = new Http(target.get(), null);
                        ledger.inFlight.add(session);
                        try {
                            boolean checkout = rnd.nextInt(3) > 0;
                            Http.Response r = checkout ? client.checkout(session, "demo", "cal", "user-" + session, "host" + worker)
                                    : client.delete("/api/v1/sessions/" + session);
                            if (r.status() >= 500) {
                                return; // e.g. the database died: committed or not, unknown; the session stays in flight
                            }
                            if (checkout && r.status() / 100 == 2) {
                                ledger.granted(session, r.json().get("seatId").asString());
                            } else if (!checkout && r.status() == 204) {
                                ledger.released(session);
                            }
                            ledger.inFlight.remove(session);
                            answered.incrementAndGet();
                        } catch (RuntimeException e) {
                            if (!(e.getCause() instanceof java.net.ConnectException)) {
                                return; // the server died during the request: its outcome is unknown
                            }
                            ledger.inFlight.remove(session); // never reached a server: nothing happened
                            pause();
                        }
                    }
                }));
            }
        }

        void awaitAnswers(int n) throws InterruptedException {
            int target = answered.get() + n;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (answered.get() < target) {
                assertThat(System.nanoTime()).as("the load gets answers").isLessThan(deadline);
                Thread.sleep(5);
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            for (Thread t : workers) {
                t.join();
            }
        }

        private static void pause() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** session -> seat as the server holds them now. */
    private static Map<String, String> sessions(String url) {
        Map<String, String> out = new TreeMap<>();
        JsonNode seats = new Http(url, ServerProcess.ADMIN_TOKEN).get("/api/v1/seats").json();
        for (JsonNode seat : seats) {
            for (JsonNode s : seat.get("sessions")) {
                out.put(s.get("sessionId").asString(), seat.get("seatId").asString());
            }
        }
        return out;
    }

    private static void addLicense(String url, TestVendor vendor) {
        Http admin = new Http(url, ServerProcess.ADMIN_TOKEN);
        String installation = admin.get("/api/v1/installation").json().get("installationId").asString();
        Instant now = Instant.now();
        String license = vendor.serverAndSeats(installation, "demo", "cal", CAPACITY, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        assertThat(admin.post("/api/v1/licenses", license).status()).isEqualTo(201);
    }

    @Test
    void twentyKillsOfTheSqliteServerLoseNothingAcknowledgedAndInventNothing() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("trusted-keys"));
        TestVendor vendor = new TestVendor();
        vendor.trustIn(data);
        Ledger ledger = new Ledger();
        Random random = new Random();
        ServerProcess server = ServerProcess.start(data, LONG_LEASES);
        try {
            addLicense(server.url(), vendor);
            int grantsSeen = 0;
            for (int round = 1; round <= 20; round++) {
                ServerProcess current = server;
                try (Load load = new Load(ledger, current::url, random.nextLong())) {
                    // A random moment: after some answers, then a random fraction of a request's time later.
                    load.awaitAnswers(20 + random.nextInt(150));
                    Thread.sleep(random.nextInt(5));
                    current.kill9();
                }
                server = ServerProcess.start(data, LONG_LEASES);
                Map<String, String> stored = sessions(server.url());
                assertThat(ledger.violations(stored)).as("round " + round).isEmpty();
                grantsSeen += stored.size();
                ledger.reset(stored);
            }
            assertThat(grantsSeen).as("the kills happened while seats were held").isPositive();
        } finally {
            server.close();
        }
    }

    @Test
    void twoNodesOnPostgresSurviveKillingANodeAndThenTheDatabase() throws Exception {
        int pgPort;
        try (ServerSocket s = new ServerSocket(0)) {
            pgPort = s.getLocalPort();
        }
        Path pgData = dir.resolve("pg");
        EmbeddedPostgres postgres = startPostgres(pgData, pgPort);
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE usher TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
        }
        String[] args = {"--db", "postgresql://127.0.0.1:" + pgPort + "/usher?user=postgres", LONG_LEASES[0], LONG_LEASES[1]};
        TestVendor vendor = new TestVendor();
        Path[] data = {dir.resolve("node-0"), dir.resolve("node-1")};
        for (Path d : data) {
            Files.createDirectories(d.resolve("trusted-keys"));
        }
        vendor.trustIn(data[0]);
        ServerProcess[] nodes = {ServerProcess.start(data[0], args), ServerProcess.start(data[1], args)};
        Ledger ledger = new Ledger();
        Random random = new Random();
        try {
            addLicense(nodes[0].url(), vendor);
            awaitCapacity(nodes[1].url());
            for (int round = 1; round <= 5; round++) {
                int victim = round % 2;
                int survivor = 1 - victim;
                // Clients spread over both nodes, then fail over to the survivor once the victim is dead.
                AtomicInteger pick = new AtomicInteger();
                ServerProcess[] live = nodes.clone();
                try (Load load = new Load(ledger, () -> live[pick.incrementAndGet() % 2].url(), random.nextLong())) {
                    load.awaitAnswers(20 + random.nextInt(100));
                    live[victim].kill9();
                    live[victim] = live[survivor];
                    Thread.sleep(200); // the clients that still run carry on with the survivor
                }
                Map<String, String> afterNodeKill = sessions(nodes[survivor].url());
                assertThat(ledger.violations(afterNodeKill)).as("round " + round + ", node " + victim + " killed").isEmpty();
                ledger.reset(afterNodeKill);

                // Now the database dies under load on the surviving node, and comes back.
                try (Load load = new Load(ledger, nodes[survivor]::url, random.nextLong())) {
                    load.awaitAnswers(20 + random.nextInt(100));
                    killPostmaster(pgData);
                    forget(postgres);
                    postgres = restartPostgres(pgData, pgPort);
                }
                nodes[victim] = ServerProcess.start(data[victim], args);
                Map<String, String> afterDatabaseKill = sessions(nodes[victim].url());
                assertThat(ledger.violations(afterDatabaseKill)).as("round " + round + ", database killed").isEmpty();
                assertThat(sessions(nodes[survivor].url())).as("both nodes agree").isEqualTo(afterDatabaseKill);
                ledger.reset(afterDatabaseKill);
            }
        } finally {
            for (ServerProcess n : nodes) {
                n.close();
            }
            postgres.close();
        }
    }

    private static void awaitCapacity(String url) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Http admin = new Http(url, ServerProcess.ADMIN_TOKEN);
        while (admin.get("/api/v1/pools").json().isEmpty() || admin.get("/api/v1/pools").json().get(0).get("capacity").asInt() != CAPACITY) {
            assertThat(System.nanoTime()).as("the other node sees the license").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static EmbeddedPostgres startPostgres(Path data, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).setPort(port)
                .setServerConfig("max_connections", "200")
                // The embedded default is synchronous_commit=off: a commit acknowledged before its WAL is flushed, lost
                // when the postmaster is killed. A real server commits synchronously, and that is what is tested.
                .setServerConfig("synchronous_commit", "on").start();
    }

    /** SIGKILL to the postmaster (its pid is the first line of postmaster.pid); its backends exit when they notice. */
    private static void killPostmaster(Path pgData) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).getFirst().strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> backends = postmaster.children().toList();
        postmaster.destroyForcibly();
        postmaster.onExit().get();
        for (ProcessHandle b : backends) {
            b.destroyForcibly();
            b.onExit().get();
        }
    }

    /** Releases what the killed instance still holds in this JVM (its lock on the data directory). */
    private static void forget(EmbeddedPostgres killed) {
        try {
            killed.close(); // pg_ctl stop finds no server: only the lock and the handle go
        } catch (Exception | Error expected) {
            // nothing to stop any more
        }
    }

    /** Starts on the killed database's files (crash recovery), retrying while the old shared memory goes away. */
    private static EmbeddedPostgres restartPostgres(Path data, int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                return startPostgres(data, port);
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
