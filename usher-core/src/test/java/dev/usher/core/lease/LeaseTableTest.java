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

    /**
     * Leases ended by check-ins leave the expiry index long before their end comes: with a busy second's worth of
     * checkouts given back, the index must not keep them (and their session ids) reachable for a whole TTL.
     */
    @Test
    void removedLeasesDoNotStayInTheIndexUntilTheirEnd() {
        LeaseTable t = new LeaseTable();
        for (int i = 0; i < 10_000; i++) {
            t.put("s" + i, T0.plus(TTL), T0);
        }
        assertThat(t.indexedSlots()).isEqualTo(10_000);
        for (int i = 0; i < 10_000; i++) {
            if (i % 100 != 0) {
                t.remove("s" + i);
            }
        }
        assertThat(t.indexedSlots()).as("slots for 100 live leases").isLessThanOrEqualTo(200);
        assertThat(t.lapsed(T0.plus(TTL), 1_000)).hasSize(100);
    }

    /**
     * Puts, renewals, heartbeats and removals from several threads while another looks for lapsed leases, all ending
     * within a second or two so that they share buckets that the looks and the removals keep compacting. At 20
     * checkpoints (the writers wait at a barrier) the index must hold exactly the leases the writers left live (each
     * owns its sessions, so each knows which of its own are live). Not shown to catch the one race found by reading
     * (a lease indexed before the table maps it, dropped as stale by a bucket compacting in between): its window is
     * too narrow for this machine to hit in 20 checkpoints.
     */
    @Test
    void concurrentPutsRemovalsAndLooksLoseNoLiveLease() throws Exception {
        LeaseTable t = new LeaseTable();
        int threads = 4;
        int checkpoints = 20;
        java.util.List<java.util.Set<String>> live = new java.util.ArrayList<>();
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(threads + 1);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads + 1);
        try {
            java.util.List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int k = 0; k < threads; k++) {
                java.util.Set<String> mine = new java.util.HashSet<>();
                live.add(mine);
                int owner = k;
                work.add(pool.submit(() -> {
                    java.util.Random random = new java.util.Random(owner);
                    for (int round = 0; round < checkpoints; round++) {
                        for (int op = 0; op < 10_000; op++) {
                            String id = "t" + owner + "-" + random.nextInt(100);
                            switch (random.nextInt(3)) {
                                case 0 -> {
                                    t.put(id, T0.plusMillis(random.nextInt(1_500)), T0);
                                    mine.add(id);
                                }
                                case 1 -> t.heartbeat(id, T0.plusMillis(random.nextInt(1_000)), Duration.ofSeconds(1));
                                default -> {
                                    t.remove(id);
                                    mine.remove(id);
                                }
                            }
                        }
                        barrier.await(60, java.util.concurrent.TimeUnit.SECONDS); // checkpoint
                        barrier.await(60, java.util.concurrent.TimeUnit.SECONDS); // checked
                    }
                    return null;
                }));
            }
            java.util.concurrent.Future<?> looker = pool.submit(() -> {
                java.util.Random random = new java.util.Random(99);
                while (!done.get()) {
                    t.lapsed(T0.plusMillis(random.nextInt(1_000)), 100); // early looks: they move extended leases
                }
            });
            for (int round = 0; round < checkpoints; round++) {
                barrier.await(60, java.util.concurrent.TimeUnit.SECONDS);
                java.util.Set<String> expected = new java.util.TreeSet<>();
                live.forEach(expected::addAll);
                assertThat(new java.util.TreeSet<>(t.lapsed(T0.plusSeconds(3_600), Integer.MAX_VALUE)))
                        .as("indexed at checkpoint %d", round).isEqualTo(expected);
                assertThat(t.size()).isEqualTo(expected.size());
                barrier.await(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            for (var f : work) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
            done.set(true);
            looker.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }
    }
}
