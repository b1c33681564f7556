package dev.usher.core.lease;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

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
 *
 * <p>The index is a wheel of one-second buckets, each an array of the leases indexed to end in that
 * second ({@link Bucket}), not a sorted set: the sweeper needs the lapsed leases by the second, not in
 * exact order, and a sorted set of 1,000,000 leases cost about 60 bytes each (its node, index nodes and
 * a key record) against about 5 for a slot in an array. A lease that leaves its bucket (removed, replaced,
 * moved) is not taken out at once; its bucket drops it when {@link #lapsed} passes it, or sooner when
 * more than half of the bucket is gone ({@link Bucket#compact}), so that leases ended by check-ins do not
 * stay reachable for a whole TTL.
 */
public final class LeaseTable {

    /** A live lease; guarded by its own monitor. */
    private static final class Entry {
        final String sessionId;
        long expiresAt;
        long lastHeartbeat;
        /**
         * The bucket whose array holds it in the expiry index (it may still sit, stale, in others). Its second is
         * never after {@link #expiresAt}'s (heartbeats only lengthen a lease). Written under this entry's monitor
         * and the bucket's; read by a bucket that compacts, without this entry's monitor.
         */
        volatile Bucket home;

        Entry(String sessionId, long expiresAt, long lastHeartbeat) {
            this.sessionId = sessionId;
            this.expiresAt = expiresAt;
            this.lastHeartbeat = lastHeartbeat;
        }
    }

    /**
     * The leases indexed to end within one second. Appended to by {@link #index}; rewritten only by
     * {@link #compact}. Lock order: an entry's monitor, then a bucket's, never the other way round.
     */
    private final class Bucket {
        final long second;
        Entry[] entries = new Entry[8];
        int size;
        /** Leases that left this bucket since it was last compacted (a hint: see {@link #left}). */
        int gone;
        /** Emptied and taken out of the wheel: {@link #index} must not add to it any more. */
        boolean closed;

        Bucket(long second) {
            this.second = second;
        }

        /** Adds {@code e} unless the bucket is closed; returns whether it did. */
        synchronized boolean add(Entry e) {
            if (closed) {
                return false;
            }
            if (size == entries.length) {
                entries = Arrays.copyOf(entries, size * 2);
            }
            entries[size++] = e;
            e.home = this;
            return true;
        }

        /** A lease indexed here was removed, replaced or moved: compact once more than half of the bucket is gone. */
        synchronized void left() {
            if (++gone > size / 2 && size >= 16) {
                compact();
            }
        }

        synchronized Entry[] snapshot() {
            return Arrays.copyOf(entries, size);
        }

        /**
         * Keeps the leases still indexed here (live, and at home here), each once; closes an empty bucket and takes it
         * out of the wheel. A lease whose home changes while this runs is at worst kept once more as a stale slot.
         */
        synchronized void compact() {
            Set<Entry> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            int n = 0;
            for (int i = 0; i < size; i++) {
                Entry e = entries[i];
                if (e.home == this && bySession.get(e.sessionId) == e && kept.add(e)) {
                    entries[n++] = e;
                }
            }
            Arrays.fill(entries, n, size, null);
            size = n;
            gone = 0;
            if (n == 0) {
                closed = true;
                wheel.remove(second, this);
            } else if (entries.length > 16 && n < entries.length / 4) {
                entries = Arrays.copyOf(entries, Math.max(16, n * 2));
            }
        }
    }

    /** A lease as the store keeps it. */
    public record Lease(String sessionId, Instant expiresAt, Instant lastHeartbeat) {}

    private final Map<String, Entry> bySession = new ConcurrentHashMap<>();
    /** The expiry index: buckets by the second their leases are indexed to end in. */
    private final ConcurrentSkipListMap<Long, Bucket> wheel = new ConcurrentSkipListMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();

    /** Records a lease the store has durably written (a new or renewed session). */
    public void put(String sessionId, Instant expiresAt, Instant lastHeartbeat) {
        Entry fresh = new Entry(sessionId, expiresAt.toEpochMilli(), lastHeartbeat.toEpochMilli());
        Entry[] replaced = new Entry[1];
        bySession.compute(sessionId, (id, old) -> {
            if (old != null) {
                synchronized (old) {
                    // A renewal never shortens a lease a concurrent heartbeat just extended.
                    fresh.expiresAt = Math.max(fresh.expiresAt, old.expiresAt);
                    fresh.lastHeartbeat = Math.max(fresh.lastHeartbeat, old.lastHeartbeat);
                }
                replaced[0] = old;
            }
            return fresh;
        });
        // Indexed once mapped, not before: a bucket compacting meanwhile keeps only leases the table maps.
        synchronized (fresh) {
            if (bySession.get(sessionId) == fresh) {
                index(fresh);
            }
        }
        if (replaced[0] != null) {
            left(replaced[0]);
        }
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
            // Not moved in the wheel: lapsed() moves it when its indexed end comes (see the class comment).
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
     * Sessions whose lease lapsed at or before {@code now}, at most {@code max}, by the second their ends are
     * indexed in (a lease a heartbeat extended comes by its earlier end). Leases heartbeats extended past
     * {@code now} are moved to their real end on the way (they are found again when that comes). One look at a
     * time: a look rewrites the buckets it passes.
     */
    public synchronized List<String> lapsed(Instant now, int max) {
        List<String> out = new ArrayList<>();
        long nowMs = now.toEpochMilli();
        for (Bucket b : wheel.headMap(Math.floorDiv(nowMs, 1000L), true).values()) {
            if (out.size() >= max) {
                break;
            }
            Set<Entry> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Entry e : b.snapshot()) {
                if (out.size() >= max) {
                    break;
                }
                if (!seen.add(e)) {
                    continue; // moved away and back again: one slot is stale
                }
                synchronized (e) {
                    if (e.home != b || bySession.get(e.sessionId) != e) {
                        continue; // removed, replaced or moved: stale here
                    }
                    if (e.expiresAt > nowMs) {
                        // Extended by heartbeats (or not due yet in the current second): at its real end's bucket,
                        // which this look reaches only if that is due too.
                        if (Math.floorDiv(e.expiresAt, 1000L) != b.second) {
                            index(e);
                        }
                        continue;
                    }
                }
                out.add(e.sessionId); // stays indexed until removed: a sweep that fails finds it again
            }
            b.compact();
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
                e.expiresAt += by;
                e.lastHeartbeat += by;
                // Indexed at its real end again: a step back must not leave it in a bucket after the lease's end.
                Bucket from = e.home;
                index(e);
                if (from != null && from != e.home) {
                    from.left();
                }
                moved++;
            }
        }
        return moved;
    }

    public void remove(String sessionId) {
        Entry e = bySession.remove(sessionId);
        if (e != null) {
            left(e);
        }
        dirty.remove(sessionId);
    }

    /** Puts {@code e} in the bucket of its end's second; the caller holds its monitor. */
    private void index(Entry e) {
        long second = Math.floorDiv(e.expiresAt, 1000L);
        Bucket home = e.home;
        if (home != null && home.second == second && !home.closed) {
            return;
        }
        while (!wheel.computeIfAbsent(second, Bucket::new).add(e)) {
            Thread.onSpinWait(); // closed between the lookup and the add: it has left the wheel, so look again
        }
    }

    private static void left(Entry e) {
        Bucket home = e.home;
        if (home != null) {
            home.left();
        }
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

    /** Slots in the expiry index, stale ones included (tests: removed leases do not linger in it). */
    int indexedSlots() {
        int n = 0;
        for (Bucket b : wheel.values()) {
            synchronized (b) {
                n += b.size;
            }
        }
        return n;
    }

    public int size() {
        return bySession.size();
    }

    public void clear() {
        bySession.clear();
        wheel.clear();
        dirty.clear();
    }
}
