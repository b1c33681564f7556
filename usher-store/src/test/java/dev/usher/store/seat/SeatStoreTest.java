package dev.usher.store.seat;

import dev.usher.store.Database;

import dev.usher.core.identity.UserNames;
import dev.usher.core.lease.ClockSteps;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionConflictException;
import dev.usher.store.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The seat store on a real SQLite file (or a real PostgreSQL database: TestDatabases). Pool terms come from a plain map (the license inventory is tested elsewhere). */
class SeatStoreTest {

    private static final PoolKey POOL = new PoolKey("demo", "cal");
    private static final Duration TTL = Duration.ofSeconds(120);
    private static final UserNames NAMES = new UserNames(true);

    @TempDir
    Path dir;

    private Database db;
    private SeatStore ledger;
    private final LeaseTable leases = new LeaseTable();
    private final Map<PoolKey, Integer> capacity = new ConcurrentHashMap<>();
    private final Map<PoolKey, PoolSettings> settings = new ConcurrentHashMap<>();
    private Instant now = Instant.parse("2026-03-01T09:00:00Z");

    @BeforeEach
    void open() {
        capacity.put(POOL, 3);
        reopen();
    }

    private void reopen() {
        if (db != null) {
            db.close();
        }
        db = TestDatabases.open(dir);
        ledger = SeatStore.open(db, (pool, at) -> new PoolTerms(pool, capacity.containsKey(pool), true,
                capacity.getOrDefault(pool, 0), settings.getOrDefault(pool, PoolSettings.DEFAULT), "inst"), leases, pool -> { },
                java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private CheckoutOutcome checkout(String session, String user, String host) {
        return ledger.checkout(new CheckoutRequest(session, POOL, NAMES.display(user), NAMES.key(user), host,
                UserNames.hostKey(host), "test", now, TTL));
    }

    private CheckoutOutcome.Held held(CheckoutOutcome o) {
        assertThat(o).isInstanceOf(CheckoutOutcome.Held.class);
        return (CheckoutOutcome.Held) o;
    }

    @Test
    void onePersonHoldsOneSeatWhateverTheSessionsHostsAndSpellings() {
        var first = held(checkout("s1", "CORP\\alice", "ws1"));
        assertThat(first.how()).isEqualTo(CheckoutOutcome.How.NEW);
        var second = held(checkout("s2", "alice@corp.example", "ws2.corp.example"));
        var third = held(checkout("s3", "ALICE", "laptop"));
        assertThat(second.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(second.seatId()).isEqualTo(first.seatId());
        assertThat(third.seatId()).isEqualTo(first.seatId());
        assertThat(third.sharedWithSessions()).isEqualTo(2);
        assertThat(third.user()).isEqualTo("CORP\\alice"); // the first spelling seen stays canonical
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
        assertThat(ledger.views().seats()).singleElement().satisfies(s -> assertThat(s.sessions()).hasSize(3));
    }

    @Test
    void aRepeatedCheckoutKeepsTheSeatAndExtendsTheLease() {
        var first = held(checkout("s1", "alice", "ws1"));
        now = now.plusSeconds(30);
        var again = held(checkout("s1", "alice", "ws1"));
        assertThat(again.how()).isEqualTo(CheckoutOutcome.How.KEPT);
        assertThat(again.seatId()).isEqualTo(first.seatId());
        assertThat(again.leaseExpiresAt()).isEqualTo(now.plus(TTL));
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
    }

    @Test
    void aStepBackOfTheWallClockMovesTheLeasesTheSeatDecisionsRead() {
        held(checkout("s1", "alice", "ws1"));
        // A second later the wall clock is stepped 30 minutes back; the sweeper moves the leases in memory and stored.
        Instant stepped = now.plusSeconds(1).minus(Duration.ofMinutes(30));
        var shift = new ClockSteps.Step(Duration.ofMinutes(-30), now.plusSeconds(1)).leases(stepped, TTL);
        leases.shift(shift);
        assertThat(ledger.leases().shiftLeases(shift)).isEqualTo(1);

        // The lease ends one TTL after the checkout as time really passes, not 30 minutes later.
        Instant end = stepped.plus(TTL).minusSeconds(1);
        assertThat(ledger.expire(List.of("s1"), end.minusSeconds(1))).isZero();
        assertThat(ledger.expire(List.of("s1"), end)).isEqualTo(1);
        assertThat(ledger.views().inUse().getOrDefault(POOL, 0)).isZero();
    }

    @Test
    void aFullPoolRefusesWithTheNumbersAndRecordsTheDenial() {
        held(checkout("a", "a", "h"));
        held(checkout("b", "b", "h"));
        held(checkout("c", "c", "h"));
        var denied = checkout("d", "d", "h");
        assertThat(denied).isInstanceOfSatisfying(CheckoutOutcome.Denied.class, d -> {
            assertThat(d.deny().reason()).isEqualTo(DenyReason.NO_SEATS_AVAILABLE);
            assertThat(d.deny().capacity()).isEqualTo(3);
            assertThat(d.deny().inUse()).isEqualTo(3);
        });
        assertThat(ledger.views().sessions()).extracting(s -> s.sessionId()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(ledger.views().events(1)).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(SeatEvent.Type.DENY);
            assertThat(e.reason()).isEqualTo("no-seats-available");
        });
        // ...but people who already hold a seat still join it.
        assertThat(held(checkout("a2", "A", "other")).how()).isEqualTo(CheckoutOutcome.How.JOINED);
    }

    @Test
    void aSessionIdCannotBeTakenOverByAnotherPerson() {
        held(checkout("s1", "alice", "ws1"));
        assertThatThrownBy(() -> checkout("s1", "bob", "ws1")).isInstanceOf(SessionConflictException.class)
                .hasMessageContaining("alice");
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
    }

    @Test
    void seatKeyPoliciesCountPerUserHostOrSession() {
        capacity.put(POOL, 4);
        settings.put(POOL, new PoolSettings(SeatKeyPolicy.USER_HOST, Duration.ZERO));
        var a = held(checkout("s1", "alice", "ws1"));
        var b = held(checkout("s2", "alice", "WS1.corp"));
        var c = held(checkout("s3", "alice", "ws2"));
        assertThat(b.seatId()).isEqualTo(a.seatId());
        assertThat(c.seatId()).isNotEqualTo(a.seatId());
        // Back to one seat per person: new sessions join an existing seat, never take a third.
        settings.put(POOL, PoolSettings.DEFAULT);
        var d = held(checkout("s4", "alice", "ws3"));
        assertThat(d.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(ledger.views().inUse()).containsEntry(POOL, 2);

        settings.put(POOL, new PoolSettings(SeatKeyPolicy.SESSION, Duration.ZERO));
        var e = held(checkout("s5", "bob", "x"));
        var f = held(checkout("s6", "bob", "x"));
        assertThat(e.seatId()).isNotEqualTo(f.seatId());
        assertThat(checkout("s7", "bob", "x")).isInstanceOf(CheckoutOutcome.Denied.class);
    }

    @Test
    void aSeatRemembersTheSessionItWasGrantedToAcrossASwitchToSessionKeysAndARestart() {
        capacity.put(POOL, 2);
        settings.put(POOL, new PoolSettings(SeatKeyPolicy.USER, Duration.ofSeconds(300)));
        var alice = held(checkout("s1", "alice", "ws1"));
        var bob = held(checkout("s2", "bob", "ws2"));
        settings.put(POOL, new PoolSettings(SeatKeyPolicy.SESSION, Duration.ofSeconds(300)));
        assertThat(ledger.checkin("s1", POOL, now)).isTrue();
        assertThat(ledger.checkin("s2", POOL, now)).isTrue();
        assertThat(ledger.views().inUse()).containsEntry(POOL, 2); // both lingering

        // The session a seat was granted to comes back while it lingers: it rejoins it (the pool is full, a new seat
        // would be refused).
        var aliceBack = held(checkout("s1", "alice", "ws1"));
        assertThat(aliceBack.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(aliceBack.seatId()).isEqualTo(alice.seatId());
        assertThat(ledger.views().inUse()).containsEntry(POOL, 2);

        // What the seat remembers is stored: after a restart bob's session finds his seat the same way.
        reopen();
        var bobBack = held(checkout("s2", "bob", "ws2"));
        assertThat(bobBack.how()).isEqualTo(CheckoutOutcome.How.JOINED);
        assertThat(bobBack.seatId()).isEqualTo(bob.seatId());
        assertThat(ledger.views().inUse()).containsEntry(POOL, 2);
        assertThat(ledger.views().seats()).extracting(SeatRecord::seatId).containsExactlyInAnyOrder(alice.seatId(), bob.seatId());
        // Another session of the same person is its own seat under session keys (refused here: the pool is full).
        assertThat(checkout("s3", "alice", "ws1")).isInstanceOf(CheckoutOutcome.Denied.class);
    }

    @Test
    void checkinReturnsTheSeatOnlyWhenItsLastSessionLeaves() {
        var a = held(checkout("s1", "alice", "ws1"));
        held(checkout("s2", "alice", "ws2"));
        assertThat(ledger.checkin("s1", POOL, now)).isTrue();
        assertThat(ledger.checkin("s1", POOL, now)).isFalse(); // idempotent
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
        assertThat(ledger.endSession("s2", now)).isTrue();
        assertThat(ledger.endSession("s2", now)).isFalse();
        assertThat(ledger.views().inUse()).containsEntry(POOL, 0);
        assertThat(ledger.views().seats()).isEmpty();
        assertThat(ledger.views().sessions()).isEmpty();
        assertThat(leases.get("s1")).isEmpty();
        assertThat(ledger.views().events(10)).extracting(SeatEvent::type)
                .containsExactly(SeatEvent.Type.RELEASE, SeatEvent.Type.RELEASE, SeatEvent.Type.JOIN, SeatEvent.Type.GRANT);
        assertThat(a.seatId()).isNotNull();
    }

    @Test
    void lingerKeepsTheSeatForTheSamePersonThenReturnsIt() {
        settings.put(POOL, new PoolSettings(SeatKeyPolicy.USER, Duration.ofSeconds(300)));
        var a = held(checkout("s1", "alice", "ws1"));
        ledger.endSession("s1", now);
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
        assertThat(ledger.views().seats()).singleElement().satisfies(s -> assertThat(s.lingerUntil()).isEqualTo(now.plusSeconds(300)));
        // Alice comes back within the linger: same seat, linger cleared.
        var back = held(checkout("s2", "alice", "ws1"));
        assertThat(back.seatId()).isEqualTo(a.seatId());
        assertThat(ledger.views().seats()).singleElement().satisfies(s -> assertThat(s.lingerUntil()).isNull());
        ledger.endSession("s2", now);
        assertThat(ledger.endLingering(now.plusSeconds(299))).isZero();
        assertThat(ledger.endLingering(now.plusSeconds(300))).isEqualTo(1);
        assertThat(ledger.views().inUse()).containsEntry(POOL, 0);
    }

    @Test
    void expireEndsOnlyLapsedSessions() {
        held(checkout("s1", "alice", "ws1"));
        held(checkout("s2", "bob", "ws1"));
        leases.heartbeat("s2", now.plusSeconds(100), TTL); // bob's lease now ends at +220 s (in memory only)
        Instant later = now.plus(TTL);
        assertThat(ledger.expire(List.of("s1", "s2", "nobody"), later)).isEqualTo(1);
        assertThat(ledger.views().sessions()).extracting(s -> s.sessionId()).containsExactly("s2");
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
        assertThat(ledger.views().events(1).getFirst().type()).isEqualTo(SeatEvent.Type.EXPIRY);
    }

    @Test
    void aCheckoutAfterTheLeaseLapsedStartsAFreshSessionRecordedAsExpiry() {
        var first = held(checkout("s1", "alice", "ws1"));
        now = now.plus(TTL).plusSeconds(1);
        var again = held(checkout("s1", "alice", "ws1"));
        assertThat(again.how()).isEqualTo(CheckoutOutcome.How.NEW);
        assertThat(again.seatId()).isNotEqualTo(first.seatId());
        assertThat(ledger.views().inUse()).containsEntry(POOL, 1);
        assertThat(ledger.views().events(3)).extracting(SeatEvent::type).containsExactly(SeatEvent.Type.GRANT, SeatEvent.Type.EXPIRY, SeatEvent.Type.GRANT);
    }

    @Test
    void forceReleaseEndsTheSeatAndEverySessionOnIt() {
        settings.put(POOL, new PoolSettings(SeatKeyPolicy.USER, Duration.ofSeconds(600)));
        var a = held(checkout("s1", "alice", "ws1"));
        held(checkout("s2", "alice", "ws2"));
        assertThat(ledger.forceRelease(a.seatId(), now, "stuck")).contains(List.of("s1", "s2"));
        assertThat(ledger.forceRelease(a.seatId(), now, "stuck")).isEmpty();
        assertThat(ledger.views().seats()).isEmpty(); // no linger after a force release
        assertThat(ledger.views().inUse()).containsEntry(POOL, 0);
        assertThat(leases.get("s1")).isEmpty();
        assertThat(ledger.views().events(1).getFirst()).satisfies(e -> {
            assertThat(e.type()).isEqualTo(SeatEvent.Type.FORCE_RELEASE);
            assertThat(e.reason()).isEqualTo("stuck");
        });
    }

    @Test
    void releaseUserFindsThePersonByAnySpelling() {
        held(checkout("s1", "CORP\\alice", "ws1"));
        held(checkout("s2", "bob", "ws1"));
        var released = ledger.releaseUser(NAMES.key("alice@corp"), null, now, "admin", false);
        assertThat(released.seatIds()).hasSize(1);
        assertThat(released.sessionIds()).containsExactly("s1");
        assertThat(ledger.views().seats()).extracting(SeatRecord::user).containsExactly("bob");
        assertThat(ledger.releaseUser(NAMES.key("alice"), POOL, now, "admin", false).seatIds()).isEmpty();
    }

    @Test
    void everythingAcknowledgedSurvivesAReopenAndLapsedLeasesGetGrace() {
        var a = held(checkout("s1", "alice", "ws1"));
        held(checkout("s2", "bob", "ws1"));
        leases.heartbeat("s1", now.plusSeconds(60), TTL);
        ledger.leases().saveLeases(leases.drainDirty());
        leases.clear();
        reopen();
        assertThat(ledger.leases().storedLeases()).extracting(LeaseTable.Lease::sessionId).containsExactlyInAnyOrder("s1", "s2");
        // Back after 90 s: s2's lease lapsed while down and gets one TTL of grace; s1's (heartbeated) still runs.
        Instant restart = now.plusSeconds(150);
        List<LeaseTable.Lease> graced = ledger.leases().graceLapsed(restart, TTL);
        assertThat(graced).singleElement().satisfies(l -> {
            assertThat(l.sessionId()).isEqualTo("s2");
            assertThat(l.expiresAt()).isEqualTo(restart.plus(TTL));
        });
        assertThat(ledger.leases().storedLease("s1")).get().extracting(LeaseTable.Lease::expiresAt)
                .isEqualTo(now.plusSeconds(60).plus(TTL));
        assertThat(ledger.views().seats()).extracting(SeatRecord::seatId).contains(a.seatId());
        assertThat(ledger.views().inUse()).containsEntry(POOL, 2);
    }

    /**
     * Many threads race for a small pool through the group-committing writer: exactly capacity seats
     * are granted, nobody gets two, and every acknowledged grant is in the store.
     */
    @Test
    void concurrentCheckoutsNeverOverfillThePoolOrDoubleSeatAPerson() throws Exception {
        capacity.put(POOL, 10);
        int threads = 32;
        int perThread = 25;
        Set<String> grantedSeats = ConcurrentHashMap.newKeySet();
        Map<String, Set<String>> seatsByUser = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            workers.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    String user = "user" + ((worker * 7 + i) % 40);
                    String spelled = i % 3 == 0 ? "CORP\\" + user : i % 3 == 1 ? user.toUpperCase() + "@corp" : user;
                    CheckoutOutcome o = checkout("w" + worker + "-" + i, spelled, "host" + worker);
                    if (o instanceof CheckoutOutcome.Held h) {
                        grantedSeats.add(h.seatId());
                        seatsByUser.computeIfAbsent(user, k -> ConcurrentHashMap.newKeySet()).add(h.seatId());
                    }
                }
            }));
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertThat(grantedSeats).hasSize(10);
        assertThat(seatsByUser.values()).allSatisfy(s -> assertThat(s).hasSize(1));
        List<SeatRecord> stored = ledger.views().seats();
        assertThat(stored).hasSize(10);
        assertThat(new HashSet<>(stored.stream().map(SeatRecord::seatId).toList())).isEqualTo(grantedSeats);
        assertThat(ledger.views().inUse()).containsEntry(POOL, 10);
    }
}
