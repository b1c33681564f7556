package dev.usher.core.lease;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseTableTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(120);

    @Test
    void heartbeatExtendsALiveLease() {
        LeaseTable t = new LeaseTable();
        t.put("s1", T0.plus(TTL), T0);
        assertThat(t.heartbeat("s1", T0.plusSeconds(40), TTL)).contains(T0.plusSeconds(160));
        assertThat(t.get("s1").orElseThrow().lastHeartbeat()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void aLapsedLeaseIsNeverRevived() {
        LeaseTable t = new LeaseTable();
        t.put("s1", T0.plus(TTL), T0);
        assertThat(t.heartbeat("s1", T0.plus(TTL), TTL)).isEmpty(); // at the instant of expiry: lapsed
        assertThat(t.heartbeat("unknown", T0, TTL)).isEmpty();
    }

    @Test
    void lapsedListsOnlyWhatExpiredOldestFirstAndBounded() {
        LeaseTable t = new LeaseTable();
        for (int i = 0; i < 10; i++) {
            t.put("s" + i, T0.plusSeconds(10 - i), T0);
        }
        assertThat(t.lapsed(T0.plusSeconds(3), 100)).containsExactly("s9", "s8", "s7");
        assertThat(t.lapsed(T0.plusSeconds(100), 4)).containsExactly("s9", "s8", "s7", "s6");
        t.heartbeat("s9", T0.plusSeconds(0), TTL);
        assertThat(t.lapsed(T0.plusSeconds(3), 100)).containsExactly("s8", "s7");
        t.remove("s8");
        assertThat(t.lapsed(T0.plusSeconds(3), 100)).containsExactly("s7");
    }

    @Test
    void putNeverShortensALeaseAHeartbeatExtended() {
        LeaseTable t = new LeaseTable();
        t.put("s1", T0.plus(TTL), T0);
        t.heartbeat("s1", T0.plusSeconds(60), TTL);
        t.put("s1", T0.plus(TTL), T0);
        assertThat(t.get("s1").orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(180));
        assertThat(t.lapsed(T0.plusSeconds(179), 10)).isEmpty();
    }

    @Test
    void drainDirtyHandsOverEachExtendedLeaseOnce() {
        LeaseTable t = new LeaseTable();
        t.put("a", T0.plus(TTL), T0);
        t.put("b", T0.plus(TTL), T0);
        t.heartbeat("a", T0.plusSeconds(1), TTL);
        t.heartbeat("a", T0.plusSeconds(2), TTL);
        assertThat(t.drainDirty()).extracting(LeaseTable.Lease::sessionId).containsExactly("a");
        assertThat(t.drainDirty()).isEmpty();
    }

    /** Heartbeats racing with the expiry instant: a session is either extended or reported lapsed, never both. */
    @Test
    void concurrentHeartbeatsKeepTheIndexConsistent() throws Exception {
        LeaseTable t = new LeaseTable();
        int sessions = 2_000;
        for (int i = 0; i < sessions; i++) {
            t.put("s" + i, T0.plus(TTL), T0);
        }
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger extended = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int worker = w;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = worker; i < sessions; i += 8) {
                    // Half the heartbeats come after expiry and must be refused.
                    Instant at = i % 2 == 0 ? T0.plusSeconds(60) : T0.plus(TTL).plusSeconds(1);
                    if (t.heartbeat("s" + i, at, TTL).isPresent()) {
                        extended.incrementAndGet();
                    }
                }
            }));
        }
        go.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(extended.get()).isEqualTo(sessions / 2);
        List<String> lapsed = t.lapsed(T0.plus(TTL).plusSeconds(1), sessions);
        assertThat(lapsed).hasSize(sessions / 2).allMatch(id -> Integer.parseInt(id.substring(1)) % 2 == 1);
        assertThat(t.lapsed(T0.plusSeconds(180), sessions * 2)).hasSize(sessions);
    }
}
