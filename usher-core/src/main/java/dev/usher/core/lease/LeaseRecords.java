package dev.usher.core.lease;


import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Leases as stored: heartbeats extend them in memory ({@link LeaseTable}); these write them down. */
public interface LeaseRecords {

    /** Persists lease extensions from heartbeats (batched; a restart's grace covers a batch lost). */
    void saveLeases(List<LeaseTable.Lease> leases);

    /**
     * Persists lease extensions now and returns the sessions that no longer exist (ended or expired
     * meanwhile): for heartbeats answered only once their lease is stored (several servers on one database).
     */
    Set<String> extendLeases(List<LeaseTable.Lease> leases);

    /** The lease as stored, or empty when the session does not exist. */
    Optional<LeaseTable.Lease> storedLease(String sessionId);

    /** Sessions whose stored lease lapsed at {@code now}, oldest first (whichever server took their heartbeats). */
    List<String> lapsedInStore(Instant now, int max);

    /** Every session's lease as stored (at start-up). */
    List<LeaseTable.Lease> storedLeases();

    /**
     * A restart's grace: every lease that lapsed by {@code now} (while the server was down) now runs until
     * {@code now + ttl}, so an outage never strips everyone of their seats; live leases are left as they
     * are. Called as the server starts answering. Returns the leases it extended.
     */
    List<LeaseTable.Lease> graceLapsed(Instant now, Duration ttl);

    /**
     * Moves the stored leases {@code shift} covers by its length, after the wall clock stepped (see
     * {@link ClockSteps}): the one write that may shorten a stored lease. Returns how many moved.
     */
    int shiftLeases(ClockSteps.LeaseShift shift);
}
