package dev.usher.core.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The live leases of all sessions, in memory.
 *
 * <p>Heartbeats are the most frequent call by far (every client, every TTL/3) and need not be a
 * synchronous disk write: a restart grants every lease one TTL of grace anyway. So a heartbeat only
 * touches this table; {@link #drainDirty()} hands the extended leases to the store in batches.
 *
 * <p>Leases are also indexed by expiry so that finding the lapsed ones costs what lapses, not what
 * is live ({@link #lapsed}). A heartbeat does not move its lease in that index: it only lengthens the
 * lease, so the index keeps each lease at an end at or before its real one, and {@link #lapsed} moves
 * a lease it finds extended to its real end. A heartbeat then costs a map lookup, not a remove and an
 * insert in a sorted set (14 % of a heartbeat's server time when it did); a lease is moved about once
 * per TTL instead of once per heartbeat.
 */
public final class LeaseTable {

    private record ExpiryKey(long expiresAt, String sessionId) implements Comparable<ExpiryKey> {
        @Override
        public int compareTo(ExpiryKey o) {
            int c = Long.compare(expiresAt, o.expiresAt);
            return c != 0 ? c : sessionId.compareTo(o.sessionId);
        }
    }

    /** A live lease; guarded by its own monitor. */
    private static final class Entry {
        final String sessionId;
        long expiresAt;
        /** Its key in {@code byExpiry}: never after {@link #expiresAt} (heartbeats only lengthen a lease). */
        long indexedAt;
        long lastHeartbeat;

        Entry(String sessionId, long expiresAt, long lastHeartbeat) {
            this.sessionId = sessionId;
            this.expiresAt = expiresAt;
            this.indexedAt = expiresAt;
            this.lastHeartbeat = lastHeartbeat;
        }

        ExpiryKey key() {
            return new ExpiryKey(indexedAt, sessionId);
        }
    }

    /** A lease as the store keeps it. */
    public record Lease(String sessionId, Instant expiresAt, Instant lastHeartbeat) {}

    private final Map<String, Entry> bySession = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<ExpiryKey> byExpiry = new ConcurrentSkipListSet<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();

    /** Records a lease the store has durably written (a new or renewed session). */
    public void put(String sessionId, Instant expiresAt, Instant lastHeartbeat) {
        Entry fresh = new Entry(sessionId, expiresAt.toEpochMilli(), lastHeartbeat.toEpochMilli());
        bySession.compute(sessionId, (id, old) -> {
            if (old != null) {
                synchronized (old) {
                    byExpiry.remove(old.key());
                    // A renewal never shortens a lease a concurrent heartbeat just extended.
                    fresh.expiresAt = Math.max(fresh.expiresAt, old.expiresAt);
                    fresh.indexedAt = fresh.expiresAt;
                    fresh.lastHeartbeat = Math.max(fresh.lastHeartbeat, old.lastHeartbeat);
                }
            }
            byExpiry.add(fresh.key());
            return fresh;
        });
    }

    /**
     * Extends a live lease to {@code now + ttl}.
     *
     * @return the new expiry, or empty when the session is unknown or its lease already lapsed (the
     *         client must check out again; a lapsed lease is never revived, so the sweeper's view holds)
     */
    public Optional<Instant> heartbeat(String sessionId, Instant now, Duration ttl) {
        Entry e = bySession.get(sessionId);
        if (e == null) {
            return Optional.empty();
        }
        long nowMs = now.toEpochMilli();
        long next;
        synchronized (e) {
            next = dev.usher.core.seat.decision.Heartbeats.extend(e.expiresAt, nowMs, ttl.toMillis());
            if (next < 0 || bySession.get(sessionId) != e) {
                return Optional.empty();
            }
            // Not moved in byExpiry: lapsed() moves it when its indexed end comes (see the class comment).
            e.expiresAt = Math.max(e.expiresAt, next);
            e.lastHeartbeat = Math.max(e.lastHeartbeat, nowMs);
            next = e.expiresAt;
        }
        dirty.add(sessionId);
        return Optional.of(Instant.ofEpochMilli(next));
    }

    public Optional<Lease> get(String sessionId) {
        Entry e = bySession.get(sessionId);
        if (e == null) {
            return Optional.empty();
        }
        synchronized (e) {
            return Optional.of(new Lease(sessionId, Instant.ofEpochMilli(e.expiresAt), Instant.ofEpochMilli(e.lastHeartbeat)));
        }
    }

    /**
     * Sessions whose lease lapsed at or before {@code now}, at most {@code max}, in the order of their ends as
     * indexed (a lease a heartbeat extended comes by its earlier end). Leases heartbeats extended past {@code now}
     * are moved to their real end on the way (they are found again when that comes).
     */
    public List<String> lapsed(Instant now, int max) {
        List<String> out = new ArrayList<>();
        long nowMs = now.toEpochMilli();
        for (ExpiryKey k : byExpiry) {
            if (k.expiresAt > nowMs || out.size() >= max) {
                break;
            }
            Entry e = bySession.get(k.sessionId);
            if (e == null) {
                continue; // removed since the iterator passed it
            }
            synchronized (e) {
                if (e.indexedAt != k.expiresAt || bySession.get(k.sessionId) != e) {
                    continue; // moved or replaced meanwhile: its current key is elsewhere in the index
                }
                if (e.expiresAt > nowMs) {
                    // Later in the order than k, so this iteration meets it again only if it lapsed by then.
                    byExpiry.remove(k);
                    e.indexedAt = e.expiresAt;
                    byExpiry.add(e.key());
                    continue;
                }
            }
            out.add(k.sessionId);
        }
        return out;
    }

    /**
     * Moves the leases {@code shift} covers by its length, after the wall clock stepped (see {@link ClockSteps}):
     * each keeps the time it had left. Returns how many moved. Moved leases are not marked for the store: it
     * is shifted by the same rule (a stored lease otherwise only grows).
     */
    public int shift(ClockSteps.LeaseShift shift) {
        long by = shift.by().toMillis();
        int moved = 0;
        for (Entry e : bySession.values()) {
            synchronized (e) {
                if (bySession.get(e.sessionId) != e || !shift.covers(e.lastHeartbeat, e.expiresAt)) {
                    continue;
                }
                byExpiry.remove(e.key());
                e.expiresAt += by;
                e.lastHeartbeat += by;
                // Indexed at its real end again: a step back must not leave a key after the lease's end.
                e.indexedAt = e.expiresAt;
                byExpiry.add(e.key());
                moved++;
            }
        }
        return moved;
    }

    public void remove(String sessionId) {
        Entry e = bySession.remove(sessionId);
        if (e != null) {
            synchronized (e) {
                byExpiry.remove(e.key());
            }
        }
        dirty.remove(sessionId);
    }

    /** Leases extended by heartbeats since the last call, for the store to persist in one batch. */
    public List<Lease> drainDirty() {
        List<Lease> out = new ArrayList<>(dirty.size());
        for (var it = dirty.iterator(); it.hasNext(); ) {
            String id = it.next();
            it.remove();
            get(id).ifPresent(out::add);
        }
        return out;
    }

    public int size() {
        return bySession.size();
    }

    public void clear() {
        bySession.clear();
        byExpiry.clear();
        dirty.clear();
    }
}
