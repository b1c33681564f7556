package dev.usher.store.postgresql;

import dev.usher.core.identity.UserNames;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.store.seat.SeatStore;
import dev.usher.store.testing.TestDatabases;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch of a group (one read, decisions in memory, one write) on a real PostgreSQL: decisions
 * queued behind another node's pool lock all land in one group, which then runs in session-id order.
 * Each test checks the answers, the stored rows and events, and that the batch really decided them
 * (the group's statistics): a wrong in-memory decision that the database's constraints caught would
 * show up as a group run again one by one, and one they did not catch as a wrong answer or count.
 */
class GroupedSeatDecisionsTest {

    private static final PoolKey POOL = new PoolKey("demo", "cal");
    private static final Duration TTL = Duration.ofSeconds(120);
    private static final UserNames NAMES = new UserNames(true);
    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

    private final List<AutoCloseable> open = new ArrayList<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    /** How many groups the last {@link #oneGroup} had to undo and run one by one (none: all decided together). */
    private long regrouped = -1;

    @AfterEach
    void closeAll() throws Exception {
        threads.shutdownNow();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private PostgresDatabase node() {
        PostgresDatabase db = PostgresDatabase.open(TestDatabases.newDatabase(), 8);
        open.add(db);
        return db;
    }

    private static SeatStore ledger(PostgresDatabase db, int capacity, SeatKeyPolicy policy) {
        return SeatStore.open(db, (pool, at) -> new PoolTerms(pool, true, true, capacity, new PoolSettings(policy, Duration.ZERO), "inst"),
                new LeaseTable(), p -> { }, java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));
    }

    private static CheckoutRequest request(String session, String user) {
        return request(session, user, "ws");
    }

    private static CheckoutRequest request(String session, String user, String host) {
        return new CheckoutRequest(session, POOL, NAMES.display(user), NAMES.key(user), host, UserNames.hostKey(host), "test", NOW, TTL);
    }

    private static int count(PostgresDatabase db, String sql) {
        return db.read(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    /** Makes these people known (so that a test's group is about people who exist). */
    private static void known(SeatStore ledger, String... users) {
        for (String u : users) {
            assertThat(ledger.checkout(request("setup-" + u, u))).isInstanceOf(CheckoutOutcome.Held.class);
            assertThat(ledger.checkin("setup-" + u, POOL, NOW)).isTrue();
        }
    }

    private static void within(Duration d, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + d + ": " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * Runs {@code decisions} as one group: another node holds the pool, a leader (a check-in of nothing)
     * makes the writer wait for it, the decisions queue up behind, and the pool is let go.
     */
    private Map<String, Object> oneGroup(PostgresDatabase db, SeatStore ledger, Map<String, Callable<Object>> decisions)
            throws Exception {
        Handle otherNode = db.dedicatedHandle();
        try {
            otherNode.begin();
            otherNode.createQuery("SELECT pg_advisory_xact_lock(:c, hashtext(:k))::text").bind("c", AdvisoryLocks.LOCK_POOL)
                    .bind("k", AdvisoryLocks.poolLockKey(POOL)).mapTo(String.class).one();
            Future<Boolean> leader = threads.submit(() -> ledger.checkin("leader", POOL, NOW));
            within(Duration.ofSeconds(10), () -> count(db, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 1,
                    "the group writer waits for the pool");
            Map<String, Future<Object>> futures = new LinkedHashMap<>();
            decisions.forEach((name, d) -> futures.put(name, threads.submit(d)));
            within(Duration.ofSeconds(10), () -> db.groupCommit().waiting() == decisions.size(), "the decisions queued behind the leader");
            long groupsBefore = db.groupCommit().stats().groups();
            long regroupedBefore = db.groupCommit().stats().regrouped();
            otherNode.rollback();
            assertThat(leader.get()).isFalse();
            Map<String, Object> out = new LinkedHashMap<>();
            for (var e : futures.entrySet()) {
                out.put(e.getKey(), e.getValue().get());
            }
            assertThat(db.groupCommit().stats().groups()).as("the leader alone, then the rest together").isEqualTo(groupsBefore + 2);
            regrouped = db.groupCommit().stats().regrouped() - regroupedBefore;
            return out;
        } finally {
            if (otherNode.isInTransaction()) {
                otherNode.rollback();
            }
            otherNode.close();
        }
    }

    private static CheckoutOutcome.Held held(Object o) {
        assertThat(o).isInstanceOf(CheckoutOutcome.Held.class);
        return (CheckoutOutcome.Held) o;
    }

    private static List<String> events(PostgresDatabase db, long afterId) {
        return db.read(h -> h.createQuery("""
                        SELECT type || ' ' || COALESCE(session_id, '-') || ' ' || in_use FROM seat_events WHERE id > :id ORDER BY id""")
                .bind("id", afterId).mapTo(String.class).list());
    }

    private static long lastEventId(PostgresDatabase db) {
        return db.read(h -> h.createQuery("SELECT COALESCE(MAX(id), 0) FROM seat_events").mapTo(Long.class).one());
    }

    @Test
    void twoSessionsOfOnePersonInOneGroupShareOneSeat() throws Exception {
        PostgresDatabase db = node();
        SeatStore ledger = ledger(db, 10, SeatKeyPolicy.USER);
        known(ledger, "alice", "bob");

        Map<String, Object> out = oneGroup(db, ledger, Map.of(
                "a1", () -> ledger.checkout(request("a1", "alice", "ws1")),
                "a2", () -> ledger.checkout(request("a2", "alice", "ws2")),
                "b1", () -> ledger.checkout(request("b1", "bob"))));

        CheckoutOutcome.Held a1 = held(out.get("a1"));
        CheckoutOutcome.Held a2 = held(out.get("a2"));
        assertThat(a1.how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(a2.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(a2.seatId()).isEqualTo(a1.seatId());
        assertThat(a2.sharedWithSessions()).isEqualTo(1);
        assertThat(held(out.get("b1")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(count(db, "SELECT COUNT(*) FROM seats")).isEqualTo(2);
        assertThat(count(db, "SELECT in_use FROM pool_counters")).isEqualTo(2);
        assertThat(count(db, "SELECT COUNT(*) FROM checkouts")).isEqualTo(3);
        // a1 and b1 in the batch; a2 (the same person) after it, on what it wrote; nothing run again.
        assertThat(regrouped).isZero();
        assertThat(db.groupCommit().stats().regrouped()).isZero();
    }

    @Test
    void aGroupThatCrossesCapacityRefusesExactlyTheExtraOnes() throws Exception {
        PostgresDatabase db = node();
        SeatStore ledger = ledger(db, 5, SeatKeyPolicy.USER);
        known(ledger, "u1", "u2", "u3", "u4", "u5", "u6", "u7");
        for (String u : List.of("u1", "u2", "u3")) {
            assertThat(ledger.checkout(request("held-" + u, u))).isInstanceOf(CheckoutOutcome.Held.class);
        }
        long eventsBefore = lastEventId(db);

        Map<String, Object> out = oneGroup(db, ledger, Map.of(
                "g4", () -> ledger.checkout(request("g4", "u4")),
                "g5", () -> ledger.checkout(request("g5", "u5")),
                "g6", () -> ledger.checkout(request("g6", "u6")),
                "g7", () -> ledger.checkout(request("g7", "u7"))));

        // In session order: two seats were free.
        assertThat(held(out.get("g4")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(held(out.get("g5")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        for (String denied : List.of("g6", "g7")) {
            assertThat(out.get(denied)).isInstanceOfSatisfying(CheckoutOutcome.Denied.class, d -> {
                assertThat(d.deny().reason()).isEqualTo(DenyReason.NO_SEATS_AVAILABLE);
                assertThat(d.deny().inUse()).isEqualTo(5);
            });
        }
        assertThat(count(db, "SELECT COUNT(*) FROM seats")).isEqualTo(5);
        assertThat(count(db, "SELECT in_use FROM pool_counters")).isEqualTo(5);
        assertThat(count(db, "SELECT COUNT(*) FROM sessions WHERE id IN ('g6', 'g7')")).isZero();
        assertThat(events(db, eventsBefore)).containsExactly("GRANT g4 4", "GRANT g5 5", "DENY g6 5", "DENY g7 5");
        assertThat(regrouped).isZero();
        assertThat(db.groupCommit().stats().regrouped()).isZero();
    }

    @Test
    void checkInsAndCheckoutsMixedInOneGroupGiveSeatsBackBeforeLaterCheckoutsTakeThem() throws Exception {
        PostgresDatabase db = node();
        SeatStore ledger = ledger(db, 3, SeatKeyPolicy.USER);
        known(ledger, "alice", "bob", "carol", "dave", "erin", "frank");
        for (String u : List.of("alice", "bob", "carol")) {
            assertThat(ledger.checkout(request("a-" + u, u))).isInstanceOf(CheckoutOutcome.Held.class);
        }
        String carolSeat = db.read(h -> h.createQuery("SELECT seat_id FROM checkouts WHERE session_id = 'a-carol'").mapTo(String.class).one());
        long eventsBefore = lastEventId(db);

        // Session order: a-alice, a-bob, a-carol (check-ins and a renewal), b-* (checkouts), c-nobody (nothing to check in).
        Map<String, Object> out = oneGroup(db, ledger, Map.ofEntries(
                Map.entry("in alice", () -> ledger.checkin("a-alice", POOL, NOW)),
                Map.entry("in bob", () -> ledger.checkin("a-bob", POOL, NOW)),
                Map.entry("carol again", () -> ledger.checkout(request("a-carol", "carol"))),
                Map.entry("alice2", () -> ledger.checkout(request("b-alice2", "alice"))),
                Map.entry("carol2", () -> ledger.checkout(request("b-carol2", "carol"))),
                Map.entry("dave", () -> ledger.checkout(request("b-dave", "dave"))),
                Map.entry("erin", () -> ledger.checkout(request("b-erin", "erin"))),
                Map.entry("frank", () -> ledger.checkout(request("b-frank", "frank"))),
                Map.entry("nobody", () -> ledger.checkin("c-nobody", POOL, NOW))));

        assertThat(out.get("in alice")).isEqualTo(true);
        assertThat(out.get("in bob")).isEqualTo(true);
        assertThat(out.get("nobody")).isEqualTo(false);
        CheckoutOutcome.Held carolAgain = held(out.get("carol again"));
        assertThat(carolAgain.how()).isEqualTo(CheckoutOutcome.How.KEPT);
        assertThat(carolAgain.seatId()).isEqualTo(carolSeat);
        assertThat(carolAgain.sharedWithSessions()).isZero();
        // Decided in session order against the state each decision leaves: alice's check-in freed her seat
        // before her new session asked, carol's second session joins her seat, and the last two find the pool full.
        assertThat(held(out.get("alice2")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        CheckoutOutcome.Held carol2 = held(out.get("carol2"));
        assertThat(carol2.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(carol2.seatId()).isEqualTo(carolSeat);
        assertThat(carol2.sharedWithSessions()).isEqualTo(1);
        assertThat(held(out.get("dave")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(out.get("erin")).isInstanceOf(CheckoutOutcome.Denied.class);
        assertThat(out.get("frank")).isInstanceOf(CheckoutOutcome.Denied.class);

        assertThat(count(db, "SELECT COUNT(*) FROM seats")).isEqualTo(3);
        assertThat(count(db, "SELECT in_use FROM pool_counters")).isEqualTo(3);
        assertThat(count(db, "SELECT COUNT(*) FROM sessions WHERE id IN ('a-alice', 'a-bob', 'b-erin', 'b-frank')")).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM checkouts")).isEqualTo(4); // a-carol, b-alice2, b-carol2, b-dave
        assertThat(count(db, "SELECT sessions FROM seats WHERE id = '" + carolSeat + "'")).isEqualTo(2);
        assertThat(events(db, eventsBefore)).containsExactly(
                "RELEASE a-alice 2", "RELEASE a-bob 1", "GRANT b-alice2 2", "JOIN b-carol2 2", "GRANT b-dave 3",
                "DENY b-erin 3", "DENY b-frank 3");
        // The whole group was decided together.
        assertThat(regrouped).isZero();
        assertThat(db.groupCommit().stats().regrouped()).isZero();
    }

    @Test
    void userAndHostSeatsAreFoundPerMachineAndSessionSeatsPerSession() throws Exception {
        PostgresDatabase db = node();
        SeatStore perMachine = ledger(db, 10, SeatKeyPolicy.USER_HOST);
        known(perMachine, "alice");
        assertThat(perMachine.checkout(request("m-1", "alice", "ws1"))).isInstanceOf(CheckoutOutcome.Held.class);
        String ws1Seat = db.read(h -> h.createQuery("SELECT seat_id FROM checkouts WHERE session_id = 'm-1'").mapTo(String.class).one());

        Map<String, Object> out = oneGroup(db, perMachine, Map.of(
                "same machine", () -> perMachine.checkout(request("m-2", "alice", "ws1")),
                "other machine", () -> perMachine.checkout(request("n-1", "bob", "ws2"))));
        assertThat(held(out.get("same machine")).how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(held(out.get("same machine")).seatId()).isEqualTo(ws1Seat);
        // bob is unknown: left to the ordinary path, which creates him.
        assertThat(held(out.get("other machine")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        out = oneGroup(db, perMachine, Map.of(
                "alice on ws3", () -> perMachine.checkout(request("p-1", "alice", "ws3")),
                "bob on ws2 again", () -> perMachine.checkout(request("q-1", "bob", "ws2"))));
        assertThat(held(out.get("alice on ws3")).how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(held(out.get("alice on ws3")).seatId()).isNotEqualTo(ws1Seat);
        assertThat(held(out.get("bob on ws2 again")).how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(regrouped).isZero();
        assertThat(count(db, "SELECT COUNT(*) FROM seats")).isEqualTo(3);

        PostgresDatabase other = node();
        SeatStore perSession = ledger(other, 10, SeatKeyPolicy.SESSION);
        known(perSession, "carol");
        assertThat(perSession.checkout(request("r-1", "carol"))).isInstanceOf(CheckoutOutcome.Held.class);
        out = oneGroup(other, perSession, Map.of(
                "again", () -> perSession.checkout(request("r-1", "carol")),
                "second", () -> perSession.checkout(request("r-2", "carol"))));
        assertThat(held(out.get("again")).how()).isEqualTo(CheckoutOutcome.How.KEPT);
        assertThat(out.get("second")).isInstanceOfSatisfying(CheckoutOutcome.Held.class,
                h -> assertThat(h.how()).isEqualTo(CheckoutOutcome.How.NEW));
        assertThat(count(other, "SELECT COUNT(*) FROM seats")).isEqualTo(2);
        assertThat(count(other, "SELECT in_use FROM pool_counters")).isEqualTo(2);
        assertThat(regrouped).isZero();
        assertThat(db.groupCommit().stats().regrouped() + other.groupCommit().stats().regrouped()).isZero();
    }
}
