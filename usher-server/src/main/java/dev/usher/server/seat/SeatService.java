package dev.usher.server.seat;

import dev.usher.core.identity.UserNames;
import dev.usher.core.inventory.PoolSummary;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.SeatViews;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The seat engine as the API uses it: validates and normalizes what clients send, then lets the
 * ledger decide and record atomically. Heartbeats never reach the store synchronously.
 */
public final class SeatService {

    private static final int MAX_CLIENT_LENGTH = 256;

    /** A pool with its live numbers, for {@code GET /pools} and {@code usher status}. */
    public record PoolView(PoolKey key, int capacity, int inUse, Instant nextExpiry, Instant nextStart,
                           boolean serverLicensed, Instant serverExpires, PoolSettings settings, int borrowed, int waiting) {}

    private final SeatLedger ledger;
    private final SeatViews views;
    private final PoolCatalog catalog;
    private final LeaseTable leases;
    private final UserNames names;
    private final Duration leaseTtl;
    private final Clock clock;
    private final SeatQueue queue;
    private final BorrowTokens borrowTokens;
    private final dev.usher.server.audit.AuditTrail audit;
    private final KnownHosts knownHosts;
    private volatile SeatCounters counters = SeatCounters.NONE;
    private volatile SessionEndings endings = SessionEndings.inMemory();
    /** Null until the composition root sets it: refused heartbeats then look for no step of the wall clock. */
    private volatile LeaseSweeper clockSteps;

    private final Heartbeats heartbeats;

    /**
     * {@code audit}: force releases, pool settings and rules are recorded with who changed them;
     * {@code knownHosts}: the computers seen, for refusing their names as users; {@code heartbeats}: this node's
     * lease table ({@code leases::heartbeat}) on a lone server, {@code SharedHeartbeats} with several nodes.
     */
    public SeatService(SeatLedger ledger, SeatViews views, PoolCatalog catalog, LeaseTable leases, UserNames names, Duration leaseTtl,
                       Clock clock, SeatQueue queue, BorrowTokens borrowTokens, dev.usher.server.audit.AuditTrail audit,
                       KnownHosts knownHosts, Heartbeats heartbeats) {
        this.views = views;
        this.audit = audit;
        this.knownHosts = knownHosts;
        this.heartbeats = heartbeats;
        this.ledger = ledger;
        this.catalog = catalog;
        this.leases = leases;
        this.names = names;
        this.leaseTtl = leaseTtl;
        this.clock = clock;
        this.queue = queue;
        this.borrowTokens = borrowTokens;
    }

    /** Where grants, denials and releases are counted (the metrics); set once by the composition root. */
    public void countWith(SeatCounters counters) {
        this.counters = counters;
    }

    /** Where the reasons sessions ended are kept for their heartbeats; set once by the composition root. */
    public void recordEndingsIn(SessionEndings endings) {
        this.endings = endings;
    }

    /**
     * Who looks for a step of the wall clock when a heartbeat finds its lease lapsed: the sweeper, which also looks at
     * every sweep, so that one step moves the leases once. Set once by the composition root.
     */
    public void followClockStepsWith(LeaseSweeper sweeper) {
        this.clockSteps = sweeper;
    }

    /** Why a session whose heartbeat found no lease ended (see {@link SessionEndings}). */
    public SessionEndings.Ending ending(String sessionId) {
        SessionIds.require(sessionId);
        return endings.find(sessionId, clock.instant());
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
        return checkout(sessionId, product, feature, userId, user, autoCreate, false, host, client, Duration.ZERO, leave -> {})
                .outcome();
    }

    /**
     * A checkout that, when the pool is full, waits up to {@code wait} in the pool's first-come
     * first-served line ({@link SeatQueue}).
     *
     * @param refuseMachineNames in open mode, refuse a user name that is a computer's (the administrator's setting)
     * @param onDisconnect receives the action that takes this request out of the line
     */
    public SeatQueue.Answer checkout(String sessionId, String product, String feature, Long userId, String user,
                                     boolean autoCreate, boolean refuseMachineNames, String host, String client, Duration wait,
                                     java.util.function.Consumer<Runnable> onDisconnect) {
        SessionIds.require(sessionId);
        if (wait.isNegative() || wait.compareTo(SeatQueue.MAX_WAIT) > 0) {
            throw new IllegalArgumentException("wait must be between 0 and " + SeatQueue.MAX_WAIT.toSeconds() + " seconds");
        }
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
        boolean refuse = refuseMachineNames && userId == null; // the history is read only when a claimed name is checked
        CheckoutRequest request = new CheckoutRequest(sessionId, pool, userName, userKey, hostName, hostKey,
                client == null || client.isBlank() ? null : client.strip(), clock.instant(), leaseTtl, userId, autoCreate, refuse,
                refuse && knownHosts.contains(userKey), true, java.util.UUID.randomUUID().toString());
        SeatQueue.Answer answer = queue.checkout(pool, new SeatQueue.Asker(sessionId, userName, hostName, request.now()), wait,
                record -> ledger.checkout(request.retriedAt(clock.instant(), record)), onDisconnect);
        if (answer.outcome() instanceof CheckoutOutcome.Held) {
            endings.forget(sessionId);
            // Only a host that got a seat becomes known (as the history counts only grants and joins): a refused or
            // malformed request must not be able to make a person's name "a computer's" and lock them out.
            knownHosts.seen(hostKey);
        }
        switch (answer.outcome()) {
            case CheckoutOutcome.Held held when held.how() == CheckoutOutcome.How.NEW -> counters.granted(pool);
            case CheckoutOutcome.Denied denied -> counters.denied(pool, denied.deny().reason());
            default -> { }
        }
        return answer;
    }

    /** Everyone waiting for a seat, in the order they will be served. */
    public List<SeatQueue.Entry> queue() {
        return queue.entries();
    }

    public int queueLength(PoolKey pool) {
        return queue.length(pool);
    }

    /**
     * Lends the session's seat of the pool until {@code until}; {@link BorrowOutcome.Refused} when the
     * pool's borrowing policy or the numbers say no. {@link #borrowToken} makes the loan's proof.
     */
    public BorrowOutcome borrow(String sessionId, String product, String feature, Instant until) {
        SessionIds.require(sessionId);
        if (until == null) {
            throw new IllegalArgumentException("until is required (an ISO-8601 instant such as 2026-12-24T18:00:00Z)");
        }
        return ledger.borrow(sessionId, pool(product, feature), until, clock.instant());
    }

    /** The signed token that proves a loan with no network (see {@link BorrowTokens}). */
    public String borrowToken(BorrowOutcome.Lent lent) {
        return borrowTokens.sign(lent, clock.instant());
    }

    /** The loan on a seat right now, if any. */
    public Optional<SeatLedger.Loan> loan(String seatId) {
        return views.loan(seatId, clock.instant());
    }

    /**
     * Ends a loan early: the holder giving it back, or ({@code forced}) an administrator taking it back,
     * which also ends the sessions on it. An offline copy may still run until its token's date.
     */
    public Optional<SeatLedger.Loan> endLoan(String seatId, boolean forced, String reason) {
        return endLoan(seatId, forced, reason, null);
    }

    /** @param via where the request came from, noted after the reason (the reason's limit is for what was typed) */
    public Optional<SeatLedger.Loan> endLoan(String seatId, boolean forced, String reason, String via) {
        String why = AdminReason.orElse(reason, forced ? "taken back by an administrator" : "returned early", via);
        Instant now = clock.instant();
        Optional<SeatLedger.LoanEnded> ended = ledger.endLoan(seatId, now, forced, why);
        if (forced) {
            ended.ifPresent(e -> {
                // The sessions a take-back ended hear why at their next heartbeat.
                endings.record(e.sessionsEnded(), SessionEndings.Cause.LOAN_TAKEN_BACK, why, now);
                audit.record("loan-taken-back", seatId, why + "; was on loan to " + e.loan().user() + " until " + e.loan().until());
            });
        }
        return ended.map(SeatLedger.LoanEnded::loan);
    }

    /** This installation's public key for borrow tokens (base64 X.509). */
    public String borrowPublicKey() {
        return borrowTokens.publicKeyBase64();
    }

    /** Extends the session's lease; empty when it lapsed or does not exist (the client checks out again). */
    public Optional<Instant> heartbeat(String sessionId) {
        SessionIds.require(sessionId);
        Optional<Instant> extended = heartbeats.extend(sessionId, clock.instant(), leaseTtl);
        LeaseSweeper steps = clockSteps;
        if (extended.isEmpty() && steps != null && steps.followClockStep()) {
            // The wall clock stepped ahead since the last sweep, so the lease only looked lapsed; it has been moved
            // with the others now. Looked for on refusals only: an answered heartbeat costs nothing more.
            return heartbeats.extend(sessionId, clock.instant(), leaseTtl);
        }
        return extended;
    }

    /** The user a session belongs to, if it exists. */
    public Optional<Long> sessionOwner(String sessionId) {
        SessionIds.require(sessionId);
        return views.sessionOwner(sessionId);
    }

    public boolean checkin(String sessionId, String product, String feature) {
        SessionIds.require(sessionId);
        boolean released = ledger.checkin(sessionId, pool(product, feature), clock.instant());
        if (released) {
            counters.released(SeatCounters.Release.CHECKIN, 1);
        }
        return released;
    }

    public boolean endSession(String sessionId) {
        SessionIds.require(sessionId);
        boolean ended = ledger.endSession(sessionId, clock.instant());
        if (ended) {
            counters.released(SeatCounters.Release.SESSION_END, 1);
        }
        return ended;
    }

    public Optional<List<String>> forceRelease(String seatId, String reason) {
        return forceRelease(seatId, reason, null);
    }

    /** @param via where the request came from, noted after the reason (the reason's limit is for what was typed) */
    public Optional<List<String>> forceRelease(String seatId, String reason, String via) {
        String why = AdminReason.orElse(reason, "released by an administrator", via);
        Instant now = clock.instant();
        Optional<List<String>> ended = ledger.forceRelease(seatId, now, why);
        ended.ifPresent(sessions -> endings.record(sessions, SessionEndings.Cause.RELEASED_BY_ADMINISTRATOR, why, now));
        ended.ifPresent(sessions -> audit.record("seat-force-released", seatId, why + "; " + sessions.size() + " session(s) ended"));
        ended.ifPresent(sessions -> counters.released(SeatCounters.Release.ADMIN, 1));
        return ended;
    }

    public List<String> releaseUser(String user, String product, String feature, String reason) {
        PoolKey pool = product == null && feature == null ? null : pool(product, feature);
        String why = AdminReason.orElse(reason, "released by an administrator", null);
        Instant now = clock.instant();
        SeatLedger.Released released = ledger.releaseUser(names.key(user), pool, now, why, false);
        endings.record(released.sessionIds(), SessionEndings.Cause.RELEASED_BY_ADMINISTRATOR, why, now);
        audit.record("user-seats-released", names.display(user), (pool == null ? "every pool" : pool.toString()) + ": "
                + released.seatIds().size() + " seat(s); " + why);
        counters.released(SeatCounters.Release.ADMIN, released.seatIds().size());
        return released.seatIds();
    }

    /**
     * Ends what a person just disabled still holds (a disabled account takes no new seat: the seat decision
     * refuses it): every seat goes back with its sessions; a seat on loan stays lent until its date (an
     * administrator may take it back) but their sessions on it end. Their applications hear why at the
     * next heartbeat ({@link SessionEndings.Cause#PERSON_DISABLED}).
     *
     * @param name the person's name (any spelling that means them)
     * @param via  where the request came from (the console notes itself), after the reason
     */
    public SeatLedger.Released releaseDisabledPerson(String name, String reason, String via) {
        String why = AdminReason.orElse(reason, "account disabled by an administrator", via);
        Instant now = clock.instant();
        SeatLedger.Released released = ledger.releaseUser(names.key(name), null, now, why, true);
        endings.record(released.sessionIds(), SessionEndings.Cause.PERSON_DISABLED, why, now);
        audit.record("user-seats-released", names.display(name), "every pool: " + released.seatIds().size() + " seat(s), "
                + released.sessionIds().size() + " session(s); " + why);
        counters.released(SeatCounters.Release.ADMIN, released.seatIds().size());
        return released;
    }

    public List<dev.usher.core.seat.SeatRecord> seatsHeld() {
        return views.seats();
    }

    public List<dev.usher.core.seat.SeatRecord> seatsOnLoan() {
        return views.seatsOnLoan();
    }

    public List<PoolView> pools() {
        Instant now = clock.instant();
        Map<PoolKey, Integer> inUse = views.inUse();
        Map<PoolKey, Integer> borrowed = views.borrowed(now);
        Map<PoolKey, PoolView> out = new TreeMap<>();
        for (PoolSummary s : catalog.summaries(now)) {
            out.put(s.key(), new PoolView(s.key(), s.capacity(), inUse.getOrDefault(s.key(), 0), s.nextExpiry(),
                    s.nextStart(), s.serverLicensed(), s.serverExpires(), catalog.settingsOf(s.key()),
                    borrowed.getOrDefault(s.key(), 0), queue.length(s.key())));
        }
        // Seats can outlive their license (removal never cuts anyone off): show those pools too.
        inUse.forEach((key, n) -> {
            if (n > 0 && !out.containsKey(key)) {
                out.put(key, new PoolView(key, 0, n, null, null, false, null, catalog.settingsOf(key),
                        borrowed.getOrDefault(key, 0), queue.length(key)));
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
        long version = catalog.saveRules(key, resolved, expectedVersion);
        if (version >= 0) {
            ledger.rulesChanged();
            audit.record("rules-saved", key.toString(), "version " + version + ": " + RuleSetCodec.write(resolved));
        }
        return version;
    }

    /** Would this person get a seat now, from where, or which rule refuses them; or what they hold. */
    public SeatLedger.Explanation explain(long userId, String product, String feature) {
        return ledger.explain(userId, pool(product, feature), clock.instant());
    }

    public void saveSettings(String product, String feature, PoolSettings settings) {
        PoolKey key = pool(product, feature);
        PoolSettings before = catalog.settingsOf(key);
        catalog.save(key, settings);
        audit.record("pool-settings-saved", key.toString(), "seat key " + before.policy().code() + " -> " + settings.policy().code()
                + ", linger " + before.linger().toSeconds() + " s -> " + settings.linger().toSeconds() + " s"
                + ", borrowing " + borrowing(before.borrow()) + " -> " + borrowing(settings.borrow()));
    }

    /** "allowed up to 7 days, 2 seats kept on site" or "not allowed": what the audit trail says, not a record's toString. */
    private static String borrowing(dev.usher.core.seat.BorrowPolicy b) {
        return b.allowed() ? "allowed up to " + b.maxDays() + " days, " + b.floor() + " seat(s) kept on site" : "not allowed";
    }

    private static PoolKey pool(String product, String feature) {
        return new PoolKey(product, feature);
    }
}
