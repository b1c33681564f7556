package dev.usher.server.seat;

import dev.usher.core.lease.LeaseRecords;
import dev.usher.core.lease.LeaseTable;

import java.time.Duration;
import java.time.Instant;

/**
 * Sessions survive a restart: their stored leases are read back into this node's memory, and a lease that lapsed
 * while the server was down gets one TTL of grace. The grace is counted from when the server answers again, so a
 * start-up that took long (a big database, a slow disk) does not eat into it. With several nodes this happens only
 * when the whole cluster was down: other live nodes kept the leases honest meanwhile.
 */
public final class LeaseRestore {

    private final LeaseRecords records;
    private final LeaseTable leases;
    private final boolean due;

    private LeaseRestore(LeaseRecords records, LeaseTable leases, boolean due) {
        this.records = records;
        this.leases = leases;
        this.due = due;
    }

    /**
     * Reads the stored leases into {@code leases} now, when {@code due}; {@link #graceLapsed} follows just before
     * the server answers.
     */
    public static LeaseRestore begin(LeaseRecords records, LeaseTable leases, boolean due) {
        if (due) {
            records.storedLeases().forEach(l -> leases.put(l.sessionId(), l.expiresAt(), l.lastHeartbeat()));
        }
        return new LeaseRestore(records, leases, due);
    }

    /** Gives every lease that lapsed while the server was down one {@code ttl} from {@code now}. */
    public void graceLapsed(Instant now, Duration ttl) {
        if (due) {
            records.graceLapsed(now, ttl).forEach(l -> leases.put(l.sessionId(), l.expiresAt(), l.lastHeartbeat()));
        }
    }
}
