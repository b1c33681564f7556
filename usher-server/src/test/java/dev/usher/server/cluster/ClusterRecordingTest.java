package dev.usher.server.cluster;

import dev.usher.core.audit.AuditEntry;
import dev.usher.core.audit.AuditLog;
import dev.usher.core.audit.ChainCheck;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.server.testing.TestServer;
import dev.usher.store.postgresql.PostgresUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage history and the audit trail on PostgreSQL: events whose transactions commit out of id
 * order are recorded, each once; a rolled-back insert's hole does not stall the recorders; and two
 * nodes recording at once give one intact chain and the usage numbers of one node.
 */
class ClusterRecordingTest {

    @TempDir
    Path dir;

    private final List<TestServer> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            try {
                nodes.get(i).close();
            } catch (RuntimeException ignored) {
                // stopped by the test already
            }
        }
    }

    private TestServer first(String name) {
        TestServer s = TestServer.startOnPostgres(dir.resolve(name), c -> c);
        nodes.add(s);
        return s;
    }

    private TestServer join(TestServer first, String name) {
        TestServer s = first.join(dir.resolve(name));
        nodes.add(s);
        return s;
    }

    /** Waits (with a deadline) until every node sees the license just added on one of them. */
    private static void seenByAll(List<TestServer> nodes, String feature, int capacity) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (TestServer n : nodes) {
            while (!hasCapacity(n, feature, capacity)) {
                assertThat(System.nanoTime()).as("every node sees the license within 5 s").isLessThan(deadline);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
        }
    }

    private static boolean hasCapacity(TestServer n, String feature, int capacity) {
        for (var p : n.admin().get("/api/v1/pools").json()) {
            if (p.get("feature").asString().equals(feature) && p.get("capacity").asInt() == capacity) {
                return true;
            }
        }
        return false;
    }

    private static Connection jdbc(TestServer s) throws SQLException {
        return DriverManager.getConnection(PostgresUrl.parse(s.databaseUrl()).jdbcUrl());
    }

    private static List<AuditEntry> trail(TestServer s) {
        List<AuditEntry> out = new ArrayList<>();
        s.server().auditRecorder().log().forEach(AuditLog.Filter.ALL, Long.MAX_VALUE, out::add);
        return out;
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** A refusal of {@code user}, inserted the way the ledger does; returns its id. */
    private static long insertDenial(Connection c, Instant at, String user) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO seat_events (at, type, product, feature, user_name, host, session_id, reason, detail, in_use)
                VALUES (?, 'DENY', 'cad', 'cal', ?, 'ws-held', 'held-session', 'no-seats-available', NULL, NULL) RETURNING id""")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long insertAdminEvent(Connection c, Instant at, String type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO admin_events (at, type, actor, source, target, detail) VALUES (?, ?, 'admin', '10.0.0.9', 'x', NULL)
                RETURNING id""")) {
            ps.setLong(1, at.toEpochMilli());
            ps.setString(2, type);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void assertEveryEventChainedOnce(TestServer s) throws SQLException {
        List<AuditEntry> trail = trail(s);
        ChainCheck.Result verify = s.server().auditRecorder().log().verify();
        assertThat(verify.ok()).as(verify.toString()).isTrue();
        assertThat(verify.checked()).isEqualTo(trail.size());
        try (Connection c = jdbc(s)) {
            assertThat(trail.stream().filter(e -> e.kind().equals("seat")).count()).isEqualTo(count(c, "SELECT COUNT(*) FROM seat_events"));
            assertThat(trail.stream().filter(e -> e.kind().equals("admin")).count()).isEqualTo(count(c, "SELECT COUNT(*) FROM admin_events"));
        }
        assertThat(s.server().auditRecorder().log().backlog()).isZero();
        // Each seat event once: a session takes its seat once and gives it back once in these tests.
        Map<String, Long> perSessionAndType = trail.stream().filter(e -> e.kind().equals("seat") && e.sessionId() != null)
                .collect(Collectors.groupingBy(e -> e.sessionId() + " " + e.type(), Collectors.counting()));
        assertThat(perSessionAndType).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1L));
    }

    @Test
    void anEventCommittedAfterAHigherIdIsRecordedOnceAndTheChainStaysIntact() throws Exception {
        TestServer s = first("node-a");
        s.license("cad", "cal", 5);
        s.server().auditRecorder().tick();
        Instant noon = s.now();
        try (Connection held = jdbc(s)) {
            held.setAutoCommit(false);
            // This transaction draws the lower ids, then stays open while later ones commit.
            s.clock().set(noon.plusSeconds(30));
            long heldSeat = insertDenial(held, s.now(), "zed");
            long heldAdmin = insertAdminEvent(held, s.now(), "held-action");
            s.clock().set(noon.plusSeconds(40));
            assertThat(s.server().seats().checkout("s1", "cad", "cal", "alice", "ws1", "test")).isInstanceOf(CheckoutOutcome.Held.class);
            s.license("cad", "draw", 1); // an admin event with a higher id
            try (Connection c = jdbc(s)) {
                assertThat(count(c, "SELECT MAX(id) FROM seat_events")).isGreaterThan(heldSeat);
                assertThat(count(c, "SELECT MAX(id) FROM admin_events")).isGreaterThan(heldAdmin);
            }

            // However often and however late the recorders run, nothing is passed over while the hole is open.
            for (int i = 0; i < 3; i++) {
                s.clock().advance(Duration.ofMinutes(10));
                s.server().auditRecorder().tick();
                s.server().usageRecorder().tick();
            }
            assertThat(trail(s)).extracting(AuditEntry::type).doesNotContain("grant", "held-action", "deny")
                    .filteredOn(t -> t.equals("license-added")).hasSize(1);
            // Usage covered nothing from the minute of the held-back grant on.
            assertThat(s.server().usageRecorder().store().rows(UsageRow.Step.MINUTE, "cad", "cal", noon.toEpochMilli(),
                    noon.plusSeconds(3600).toEpochMilli())).isEmpty();
            held.commit();
        }
        s.server().auditRecorder().tick();
        s.server().usageRecorder().tick();

        List<AuditEntry> trail = trail(s);
        assertThat(trail).extracting(AuditEntry::type).containsSubsequence("deny", "grant");
        assertThat(trail).filteredOn(e -> e.type().equals("held-action")).hasSize(1);
        assertThat(trail).filteredOn(e -> e.type().equals("license-added")).hasSize(2);
        assertEveryEventChainedOnce(s);
        // Both events are in the usage history, in the minute they happened.
        UsageRow minute = s.server().usageRecorder().store().rows(UsageRow.Step.MINUTE, "cad", "cal", noon.toEpochMilli(),
                noon.plusSeconds(60).toEpochMilli()).getFirst();
        assertThat(minute.deniedNoSeats()).isEqualTo(1);
        assertThat(minute.grants()).isEqualTo(1);
        assertThat(minute.refusedUsers()).isEqualTo(1);
        assertThat(minute.peak()).isEqualTo(1);
        assertThat(minute.seatMs()).isEqualTo(20_000);
    }

    @Test
    void aRolledBackInsertLeavesAHoleTheRecordersPass() throws Exception {
        TestServer s = first("node-a");
        s.license("cad", "cal", 5);
        Instant noon = s.now();
        try (Connection c = jdbc(s)) {
            c.setAutoCommit(false);
            insertDenial(c, noon, "ghost");
            insertAdminEvent(c, noon, "ghost-action");
            c.rollback();
        }
        s.clock().set(noon.plusSeconds(10));
        assertThat(s.server().seats().checkout("s1", "cad", "cal", "alice", "ws1", "test")).isInstanceOf(CheckoutOutcome.Held.class);
        s.license("cad", "draw", 1);
        s.clock().set(noon.plusSeconds(125));
        // The first run sees the holes and notes that nobody can still fill them; the next one passes them.
        for (int i = 0; i < 2; i++) {
            s.server().auditRecorder().tick();
            s.server().usageRecorder().tick();
        }
        List<AuditEntry> trail = trail(s);
        assertThat(trail).extracting(AuditEntry::type).contains("grant").doesNotContain("ghost-action", "deny")
                .filteredOn(t -> t.equals("license-added")).hasSize(2);
        assertEveryEventChainedOnce(s);
        List<UsageRow> minutes = s.server().usageRecorder().store().rows(UsageRow.Step.MINUTE, "cad", "cal", noon.toEpochMilli(),
                noon.plusSeconds(120).toEpochMilli());
        assertThat(minutes).hasSize(2);
        assertThat(minutes.getFirst().grants()).isEqualTo(1);
        assertThat(minutes.getFirst().deniedNoSeats()).isZero();
    }

    @Test
    void twoNodesCheckingOutAndRecordingAtOnceChainEveryEventOnce() throws Exception {
        TestServer a = first("node-a");
        TestServer b = join(a, "node-b");
        a.license("cad", "cal", 1_000);
        List<TestServer> both = List.of(a, b);
        seenByAll(both, "cal", 1_000);
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> recorders = new ArrayList<>();
            for (TestServer n : both) {
                recorders.add(pool.submit(() -> {
                    while (!done.get()) {
                        n.server().auditRecorder().tick();
                        Thread.sleep(2); // pacing only: every tick races the other node's and the checkouts
                    }
                    return null;
                }));
            }
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                TestServer n = both.get(w % 2);
                int worker = w;
                workers.add(pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        String session = "w" + worker + "-" + i;
                        assertThat(n.server().seats().checkout(session, "cad", "cal", "user" + worker + "-" + (i % 7), "ws", "test"))
                                .isInstanceOf(CheckoutOutcome.Held.class);
                        assertThat(n.server().seats().checkin(session, "cad", "cal")).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            for (Future<?> f : recorders) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
        // What was in flight when the recorders stopped: settled by one more run (two when a hole was seen last).
        a.server().auditRecorder().tick();
        b.server().auditRecorder().tick();
        a.server().auditRecorder().tick();
        List<AuditEntry> trail = trail(b);
        assertThat(trail.stream().filter(e -> e.type().equals("grant")).count()).isEqualTo(240);
        assertThat(trail.stream().filter(e -> e.type().equals("release")).count()).isEqualTo(240);
        assertEveryEventChainedOnce(a);
    }

    /** Rows and person-days of the scenario, to compare runs. */
    private record Usage(List<UsageRow> minutes, List<UsageRow> hours, List<UsageRow> days, List<UserDay> people) {}

    /**
     * Three hours of checkouts and check-ins spread over {@code nodes}, with every node's recorders run
     * at once after each step. With two nodes, the first stops half-way and the second goes on alone.
     */
    private Usage scenario(List<TestServer> nodes) throws Exception {
        TestServer any = nodes.getFirst();
        any.license("cad", "cal", 3);
        seenByAll(nodes, "cal", 3);
        Instant start = Instant.parse("2026-06-01T12:00:00Z");
        List<TestServer> live = new ArrayList<>(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size() * 2);
        try {
            Map<String, TestServer> holder = new HashMap<>();
            for (int step = 0; step < 40; step++) {
                if (step == 20 && live.size() > 1) {
                    TestServer gone = live.removeFirst();
                    gone.close(); // the node that may have been recording goes away
                    this.nodes.remove(gone);
                }
                any.clock().set(start.plus(Duration.ofSeconds(step * 263L + 17)));
                TestServer n = live.get(step % live.size());
                String user = "u" + (step % 5);
                String session = user + "-" + (step / 5);
                // take, or give back what this user holds
                String prior = holder.keySet().stream().filter(k -> k.startsWith(user + "-")).findFirst().orElse(null);
                if (prior != null) {
                    assertThat(n.server().seats().checkin(prior, "cad", "cal")).isTrue();
                    holder.remove(prior);
                } else {
                    CheckoutOutcome o = n.server().seats().checkout(session, "cad", "cal", user, "ws-" + user, "test");
                    if (o instanceof CheckoutOutcome.Held) {
                        holder.put(session, n);
                    }
                }
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> ticks = new ArrayList<>();
                for (TestServer t : live) {
                    for (int k = 0; k < 2; k++) {
                        ticks.add(pool.submit(() -> {
                            go.await();
                            t.server().usageRecorder().tick();
                            t.server().auditRecorder().tick();
                            return null;
                        }));
                    }
                }
                go.countDown();
                for (Future<?> f : ticks) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        TestServer last = live.getLast();
        last.clock().set(start.plus(Duration.ofHours(12)).plusSeconds(5)); // the day ends: hours and the day rolled up
        last.server().usageRecorder().tick();
        var store = last.server().usageRecorder().store();
        long from = start.minus(Duration.ofDays(1)).toEpochMilli();
        long to = start.plus(Duration.ofDays(1)).toEpochMilli();
        return new Usage(store.rows(UsageRow.Step.MINUTE, null, null, from, to), store.rows(UsageRow.Step.HOUR, null, null, from, to),
                store.rows(UsageRow.Step.DAY, null, null, from, to), store.userDays(null, null, null, from, to));
    }

    @Test
    void twoNodesRecordingAtOnceCountUsageExactlyAsOneNode() throws Exception {
        TestServer single = first("single");
        Usage alone = scenario(List.of(single));
        TestServer a = first("node-a");
        TestServer b = join(a, "node-b");
        Usage together = scenario(List.of(a, b));

        assertThat(alone.minutes()).hasSizeGreaterThan(150);
        assertThat(alone.minutes().stream().mapToInt(UsageRow::grants).sum()).isGreaterThan(10);
        assertThat(alone.minutes().stream().mapToInt(UsageRow::deniedNoSeats).sum()).isPositive();
        assertThat(together.minutes()).isEqualTo(alone.minutes());
        assertThat(together.hours()).isEqualTo(alone.hours());
        assertThat(together.days()).isEqualTo(alone.days());
        assertThat(together.people()).isEqualTo(alone.people());
        assertEveryEventChainedOnce(b);
    }
}
