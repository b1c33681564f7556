package dev.usher.store.seat;

import dev.usher.core.lease.ClockSteps;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.lease.LeaseRecords;
import dev.usher.store.Database;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Leases in the database. Heartbeats extend leases in memory; this writes them down: in batches on a
 * lone server (a restart's grace covers what the last batch missed), before the heartbeat is answered
 * with several nodes (every node's sweeper must see an answered heartbeat). A stored lease only grows.
 */
final class LeaseStore implements LeaseRecords {

    private static final String EXTEND = """
            UPDATE sessions SET
              lease_expires_at = CASE WHEN lease_expires_at < :exp THEN :exp ELSE lease_expires_at END,
              last_heartbeat_at = CASE WHEN last_heartbeat_at < :hb THEN :hb ELSE last_heartbeat_at END
            WHERE id = :id""";

    private final Database db;
    /** Told, on the writer thread once committed, that the stored leases moved: the resident book moves with them. */
    private final Consumer<ClockSteps.LeaseShift> shifted;

    LeaseStore(Database db, Consumer<ClockSteps.LeaseShift> shifted) {
        this.db = db;
        this.shifted = shifted;
    }

    @Override
    public void saveLeases(List<LeaseTable.Lease> leases) {
        extendLeases(leases);
    }

    @Override
    public Set<String> extendLeases(List<LeaseTable.Lease> leases) {
        if (leases.isEmpty()) {
            return Set.of();
        }
        // Sorted: two nodes writing overlapping batches lock the rows in the same order.
        List<LeaseTable.Lease> sorted = leases.stream().sorted(Comparator.comparing(LeaseTable.Lease::sessionId)).toList();
        return db.write((h, after) -> {
            PreparedBatch batch = h.prepareBatch(EXTEND);
            for (LeaseTable.Lease l : sorted) {
                batch.bind("exp", l.expiresAt().toEpochMilli()).bind("hb", l.lastHeartbeat().toEpochMilli())
                        .bind("id", l.sessionId()).add();
            }
            int[] counts = batch.execute();
            Set<String> missing = new HashSet<>();
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) {
                    missing.add(sorted.get(i).sessionId());
                }
            }
            return missing;
        });
    }

    @Override
    public Optional<LeaseTable.Lease> storedLease(String sessionId) {
        return db.read(h -> h.createQuery("SELECT id, lease_expires_at, last_heartbeat_at FROM sessions WHERE id = :id")
                .bind("id", sessionId)
                .map((rs, ctx) -> new LeaseTable.Lease(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3))))
                .findOne());
    }

    @Override
    public List<String> lapsedInStore(Instant at, int max) {
        return db.read(h -> h.createQuery("SELECT id FROM sessions WHERE lease_expires_at <= :now ORDER BY lease_expires_at, id LIMIT :n")
                .bind("now", at.toEpochMilli()).bind("n", max).mapTo(String.class).list());
    }

    @Override
    public List<LeaseTable.Lease> storedLeases() {
        return db.read(h -> h.createQuery("SELECT id, lease_expires_at, last_heartbeat_at FROM sessions")
                .map((rs, ctx) -> new LeaseTable.Lease(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3))))
                .list());
    }

    @Override
    public List<LeaseTable.Lease> graceLapsed(Instant at, Duration ttl) {
        long now = at.toEpochMilli();
        long graceEnd = at.plus(ttl).toEpochMilli();
        return db.write((h, after) -> h.createQuery("""
                        UPDATE sessions SET lease_expires_at = :g WHERE lease_expires_at <= :now
                        RETURNING id, lease_expires_at, last_heartbeat_at""")
                .bind("g", graceEnd).bind("now", now)
                .map((rs, ctx) -> new LeaseTable.Lease(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)),
                        Instant.ofEpochMilli(rs.getLong(3))))
                .list());
    }

    @Override
    public int shiftLeases(ClockSteps.LeaseShift shift) {
        return db.write((h, after) -> {
            int moved = h.createUpdate("""
                            UPDATE sessions SET lease_expires_at = lease_expires_at + :by, last_heartbeat_at = last_heartbeat_at + :by
                            WHERE last_heartbeat_at <= :hb AND lease_expires_at > :end""")
                    .bind("by", shift.by().toMillis()).bind("hb", ClockSteps.LeaseShift.millis(shift.heartbeatUpTo()))
                    .bind("end", ClockSteps.LeaseShift.millis(shift.endsAfter()))
                    .execute();
            after.then(() -> shifted.accept(shift));
            return moved;
        });
    }
}
