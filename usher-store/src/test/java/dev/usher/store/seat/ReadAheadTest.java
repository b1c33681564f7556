package dev.usher.store.seat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.usher.core.identity.UserNames;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;
import dev.usher.store.postgresql.PostgresDatabase;
import dev.usher.store.testing.TestDatabases;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On a shared database (a real PostgreSQL), checkouts and check-ins read everything their decisions need in one round
 * trip, as their pools are locked before it ({@link ReadAhead}); what the first round trip shows to need more (a session
 * holding seats in another pool, a session to end) still gets its second one, and decides the same.
 */
class ReadAheadTest {

    private static final PoolKey CAL = new PoolKey("demo", "cal");
    private static final PoolKey PRO = new PoolKey("demo", "pro");
    private static final Duration TTL = Duration.ofSeconds(120);
    private static final UserNames NAMES = new UserNames(true);
    private static final Instant NOW = Instant.parse("2026-03-01T09:00:00Z");

    private final PostgresDatabase db = PostgresDatabase.open(TestDatabases.newDatabase(), 4);
    private final Map<PoolKey, Integer> capacity = Map.of(CAL, 2, PRO, 5);
    private final SeatStore store = SeatStore.open(db, (pool, at) -> new PoolTerms(pool, capacity.containsKey(pool), true,
            capacity.getOrDefault(pool, 0), PoolSettings.DEFAULT, "inst"), new LeaseTable(), pool -> { },
            java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC));

    @AfterEach
    void close() {
        db.close();
    }

    private SharedBookLoader.Counts counts() {
        return ((SharedSeatEngine) store.engine()).loadCounts();
    }

    private CheckoutOutcome checkout(String session, String user, PoolKey pool) {
        return store.checkout(new CheckoutRequest(session, pool, NAMES.display(user), NAMES.key(user), "ws-" + user,
                UserNames.hostKey("ws-" + user), "test", NOW, TTL));
    }

    @Test
    void checkoutsAndCheckinsOfOnePoolReadOnceAndDecideAsBefore() {
        assertThat(checkout("s1", "alice", CAL)).isInstanceOf(CheckoutOutcome.Held.class);
        SharedBookLoader.Counts first = counts();
        assertThat(checkout("s2", "bob", CAL)).isInstanceOf(CheckoutOutcome.Held.class);
        assertThat(checkout("s1", "alice", CAL)).isInstanceOf(CheckoutOutcome.Held.class); // the same seat again
        // Capacity 2 is read ahead too: the third person is refused.
        assertThat(checkout("s3", "carol", CAL)).isInstanceOf(CheckoutOutcome.Denied.class);
        assertThat(store.checkin("s2", CAL, NOW)).isTrue();
        assertThat(checkout("s3", "carol", CAL)).isInstanceOf(CheckoutOutcome.Held.class);

        SharedBookLoader.Counts after = counts();
        assertThat(after.loads() - first.loads()).isEqualTo(5);
        assertThat(after.secondRoundTrips() - first.secondRoundTrips()).as("second round trips of one-pool checkouts and check-ins")
                .isZero();
    }

    @Test
    void aSessionWithSeatsInAnotherPoolGetsItsSecondRoundTrip() {
        assertThat(checkout("s1", "alice", CAL)).isInstanceOf(CheckoutOutcome.Held.class);
        assertThat(checkout("s1", "alice", PRO)).isInstanceOf(CheckoutOutcome.Held.class);
        SharedBookLoader.Counts before = counts();
        // The check-in of one pool reads the session's seat in the other, whose pool it did not lock ahead.
        assertThat(store.checkin("s1", CAL, NOW)).isTrue();
        assertThat(store.endSession("s1", NOW)).isTrue();
        SharedBookLoader.Counts after = counts();
        assertThat(after.secondRoundTrips() - before.secondRoundTrips()).isEqualTo(2);
        assertThat(db.<Integer>read(h -> h.createQuery("SELECT COUNT(*) FROM seats").mapTo(Integer.class).one())).isZero();
        assertThat(db.<Integer>read(h -> h.createQuery("SELECT COALESCE(SUM(in_use), 0) FROM pool_counters").mapTo(Integer.class).one()))
                .isZero();
    }
}
