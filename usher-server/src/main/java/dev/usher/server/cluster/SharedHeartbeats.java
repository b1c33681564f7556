package dev.usher.server.cluster;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.lease.LeaseRecords;
import dev.usher.server.seat.Heartbeats;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Heartbeats when several nodes share the database. A client may heartbeat any node, so:
 * <ol>
 *   <li>a node that does not know the session, or whose own copy lapsed, takes the lease from the
 *       database (another node took the checkout or the last heartbeats) if it is still live there;</li>
 *   <li>the extended lease is committed to the database <em>before</em> the heartbeat is answered
 *       ({@link LeaseWriter}, grouped), so an answered heartbeat is what every node's sweeper sees.</li>
 * </ol>
 * The rule that follows: a session expires when its lease <em>in the database</em> lapsed (checked
 * again, row-locked, inside the expiring transaction). No acknowledged heartbeat is ever overtaken by
 * an expiry, whichever nodes took the heartbeat and ran the sweep.
 */
public final class SharedHeartbeats implements Heartbeats {

    private final LeaseTable leases;
    private final LeaseRecords ledger;
    private final LeaseWriter writer;

    public SharedHeartbeats(LeaseTable leases, LeaseRecords ledger, LeaseWriter writer) {
        this.leases = leases;
        this.ledger = ledger;
        this.writer = writer;
    }

    @Override
    public Optional<Instant> extend(String sessionId, Instant now, Duration ttl) {
        Optional<Instant> extended = leases.heartbeat(sessionId, now, ttl);
        if (extended.isEmpty()) {
            Optional<LeaseTable.Lease> stored = ledger.storedLease(sessionId);
            if (stored.isEmpty() || !stored.get().expiresAt().isAfter(now)) {
                return Optional.empty(); // gone, or lapsed in the database too: the client checks out again
            }
            leases.put(sessionId, stored.get().expiresAt(), stored.get().lastHeartbeat());
            extended = leases.heartbeat(sessionId, now, ttl);
            if (extended.isEmpty()) {
                return Optional.empty();
            }
        }
        if (!writer.store(new LeaseTable.Lease(sessionId, extended.get(), now))) {
            leases.remove(sessionId); // ended or expired on another node meanwhile
            return Optional.empty();
        }
        return extended;
    }
}
