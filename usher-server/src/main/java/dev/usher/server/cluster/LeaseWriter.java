package dev.usher.server.cluster;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.lease.LeaseRecords;
import dev.usher.store.StoreException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes heartbeat-extended leases to the shared database before the heartbeat is answered, in
 * groups: whatever heartbeats arrive while one batch commits go together in the next, so a busy
 * node writes a few hundred small transactions a second however many heartbeats it answers.
 */
public final class LeaseWriter implements AutoCloseable {

    private record Pending(LeaseTable.Lease lease, CompletableFuture<Boolean> stored) {}

    private static final int MAX_BATCH = 2000;
    private final LeaseRecords ledger;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> writers = new ArrayList<>();
    private volatile boolean closed;

    public LeaseWriter(LeaseRecords ledger, int threads) {
        this.ledger = ledger;
        for (int i = 0; i < threads; i++) {
            Thread t = Thread.ofPlatform().name("usher-lease-writer-" + i).daemon(true).unstarted(this::loop);
            writers.add(t);
            t.start();
        }
    }

    /**
     * Stores the lease; returns false when the session no longer exists (it ended or expired).
     * Throws {@link StoreException} when the database could not be written: the heartbeat then fails
     * and the client retries, on this node or another.
     */
    public boolean store(LeaseTable.Lease lease) {
        if (closed) {
            throw new StoreException("the server is stopping", null);
        }
        Pending p = new Pending(lease, new CompletableFuture<>());
        queue.add(p);
        try {
            return p.stored().get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("lease not stored: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new StoreException("the database did not store the lease in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted", e);
        }
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>();
        while (!closed) {
            batch.clear();
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                continue;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            Map<String, LeaseTable.Lease> latest = new HashMap<>();
            for (Pending p : batch) {
                latest.merge(p.lease().sessionId(), p.lease(), (a, b) -> a.expiresAt().isAfter(b.expiresAt()) ? a : b);
            }
            try {
                Set<String> missing = ledger.extendLeases(new ArrayList<>(latest.values()));
                for (Pending p : batch) {
                    p.stored().complete(!missing.contains(p.lease().sessionId()));
                }
            } catch (RuntimeException e) {
                for (Pending p : batch) {
                    p.stored().completeExceptionally(e);
                }
            }
        }
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.forEach(p -> p.stored().completeExceptionally(new StoreException("the server is stopping", null)));
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : writers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
