package dev.usher.server.seat;

import dev.usher.core.identity.UserNames;
import dev.usher.core.inventory.PoolSummary;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.SeatLedger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The seat engine as the API uses it: validates and normalizes what clients send, then lets the
 * ledger decide and record atomically. Heartbeats never reach the store synchronously.
 */
public final class SeatService {

    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final int MAX_CLIENT_LENGTH = 256;

    /** A pool with its live numbers, for {@code GET /pools} and {@code usher status}. */
    public record PoolView(PoolKey key, int capacity, int inUse, Instant nextExpiry, Instant nextStart,
                           boolean serverLicensed, Instant serverExpires, PoolSettings settings) {}

    private final SeatLedger ledger;
    private final PoolCatalog catalog;
    private final LeaseTable leases;
    private final UserNames names;
    private final Duration leaseTtl;
    private final Clock clock;

    private final Heartbeats heartbeats;

    public SeatService(SeatLedger ledger, PoolCatalog catalog, LeaseTable leases, UserNames names, Duration leaseTtl, Clock clock) {
        this(ledger, catalog, leases, names, leaseTtl, clock, leases::heartbeat);
    }

    /** With heartbeats that do more than extend this node's memory (several nodes: {@code SharedHeartbeats}). */
    public SeatService(SeatLedger ledger, PoolCatalog catalog, LeaseTable leases, UserNames names, Duration leaseTtl, Clock clock,
                       Heartbeats heartbeats) {
        this.heartbeats = heartbeats;
        this.ledger = ledger;
        this.catalog = catalog;
        this.leases = leases;
        this.names = names;
        this.leaseTtl = leaseTtl;
        this.clock = clock;
    }

    public Duration leaseTtl() {
        return leaseTtl;
    }

    /** An open-mode checkout that creates unknown users (tests and tools). */
    public CheckoutOutcome checkout(String sessionId, String product, String feature, String user, String host, String client) {
        return checkout(sessionId, product, feature, null, user, true, host, client);
    }

    /**
     * A checkout for {@code userId} (authenticated) or, when null, for whoever {@code user} names
     * through the aliases; {@code autoCreate} lets an unknown name become a new user.
     */
    public CheckoutOutcome checkout(String sessionId, String product, String feature, Long userId, String user,
                                    boolean autoCreate, String host, String client) {
        requireSessionId(sessionId);
        PoolKey pool = pool(product, feature);
        // Never substitute the host or anything else for a missing user: that is how one person
        // turns into several users on other servers.
        String userKey = names.key(user);
        String userName = names.display(user);
        String hostName = UserNames.host(host);
        String hostKey = UserNames.hostKey(host);
        if (client != null && (client.length() > MAX_CLIENT_LENGTH || client.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("client must be at most " + MAX_CLIENT_LENGTH + " printable characters");
        }
        return ledger.checkout(new CheckoutRequest(sessionId, pool, userName, userKey, hostName, hostKey,
                client == null || client.isBlank() ? null : client.strip(), clock.instant(), leaseTtl, userId, autoCreate));
    }

    /** Extends the session's lease; empty when it lapsed or does not exist (the client checks out again). */
    public Optional<Instant> heartbeat(String sessionId) {
        requireSessionId(sessionId);
        return heartbeats.extend(sessionId, clock.instant(), leaseTtl);
    }

    /** The user a session belongs to, if it exists. */
    public Optional<Long> sessionOwner(String sessionId) {
        requireSessionId(sessionId);
        return ledger.sessionOwner(sessionId);
    }

    public boolean checkin(String sessionId, String product, String feature) {
        requireSessionId(sessionId);
        return ledger.checkin(sessionId, pool(product, feature), clock.instant());
    }

    public boolean endSession(String sessionId) {
        requireSessionId(sessionId);
        return ledger.endSession(sessionId, clock.instant());
    }

    public Optional<List<String>> forceRelease(String seatId, String reason) {
        return ledger.forceRelease(seatId, clock.instant(), reason == null || reason.isBlank() ? "released by an administrator" : reason);
    }

    public List<String> releaseUser(String user, String product, String feature, String reason) {
        PoolKey pool = product == null && feature == null ? null : pool(product, feature);
        return ledger.releaseUser(names.key(user), pool, clock.instant(),
                reason == null || reason.isBlank() ? "released by an administrator" : reason);
    }

    public List<dev.usher.core.seat.SeatRecord> seatsHeld() {
        return ledger.seats();
    }

    public List<PoolView> pools() {
        Instant now = clock.instant();
        Map<PoolKey, Integer> inUse = ledger.inUse();
        Map<PoolKey, PoolView> out = new TreeMap<>();
        for (PoolSummary s : catalog.summaries(now)) {
            out.put(s.key(), new PoolView(s.key(), s.capacity(), inUse.getOrDefault(s.key(), 0), s.nextExpiry(),
                    s.nextStart(), s.serverLicensed(), s.serverExpires(), catalog.settingsOf(s.key())));
        }
        // Seats can outlive their license (removal never cuts anyone off): show those pools too.
        inUse.forEach((key, n) -> {
            if (n > 0 && !out.containsKey(key)) {
                out.put(key, new PoolView(key, 0, n, null, null, false, null, catalog.settingsOf(key)));
            }
        });
        return new ArrayList<>(out.values());
    }

    public PoolSettings settings(String product, String feature) {
        return catalog.settingsOf(pool(product, feature));
    }

    public PoolCatalog.Rules rules(String product, String feature) {
        return catalog.rulesOf(pool(product, feature));
    }

    /**
     * Saves a pool's rules (already resolved to ids). Refused when the reserves exceed the capacity
     * right now; -1 when someone else saved since {@code expectedVersion}. Held seats are never
     * revoked: new grants follow the new rules.
     */
    public long saveRules(String product, String feature, RuleSetCodec.RuleSetJson resolved, long expectedVersion) {
        PoolKey key = pool(product, feature);
        var assignments = RuleSetCodec.toAssignments(resolved);
        var problems = assignments.problems(catalog.terms(key, clock.instant()).capacity());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return catalog.saveRules(key, resolved, expectedVersion);
    }

    /** Would this person get a seat now, from where, or which rule refuses them; or what they hold. */
    public SeatLedger.Explanation explain(long userId, String product, String feature) {
        return ledger.explain(userId, pool(product, feature), clock.instant());
    }

    public void saveSettings(String product, String feature, PoolSettings settings) {
        catalog.save(pool(product, feature), settings);
    }

    private static PoolKey pool(String product, String feature) {
        return new PoolKey(product, feature);
    }

    private static void requireSessionId(String sessionId) {
        if (sessionId == null || !SESSION_ID.matcher(sessionId).matches()) {
            throw new IllegalArgumentException("session id must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
    }
}
