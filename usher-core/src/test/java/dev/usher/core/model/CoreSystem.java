package dev.usher.core.model;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Rule;
import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.UserNames;
import dev.usher.core.inventory.LicenseInventory;
import dev.usher.core.inventory.PoolSummary;
import dev.usher.core.lease.LeaseTable;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.license.LicenseVerifier;
import dev.usher.core.model.ObservedState.PoolRow;
import dev.usher.core.model.ObservedState.SeatRow;
import dev.usher.core.model.ObservedState.SessionRow;
import dev.usher.core.model.World.Pool;
import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.BorrowPolicy;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.CheckoutRequest;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.decision.Checkouts;
import dev.usher.core.seat.decision.SeatMachine;
import dev.usher.core.seat.decision.SeatOp;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.core.seat.state.PoolTally;
import dev.usher.core.seat.state.SeatBook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The seat decision of core, with no server around it: every {@link Op} goes straight to
 * {@link SeatMachine} over a resident {@link SeatBook} (the code a lone server runs; its store only loads
 * the book and writes the effects), and what the server adds around the decision is done here thinly,
 * with core's own classes and nothing decided twice:
 * <ul>
 *   <li>names: {@link UserNames} (domains stripped, the server's default) and the world's aliases
 *       ({@link CoreDirectory}), people (re)loaded into the book before every operation, as the store does;</li>
 *   <li>pool terms: capacity and server entitlement from a {@link LicenseInventory} of the world's files
 *       (signed, and checked with {@link LicenseVerifier} when added, as {@code LicenseService} does), the
 *       pool's {@link PoolSettings}, and its rules as {@link Assignments} (saved only when
 *       {@link Assignments#problems} is empty; the limits seats count against recounted after, as the
 *       resident engine's {@code rulesChanged} does);</li>
 *   <li>time: an {@link Instant} the {@link Op.Advance}s move; leases in a {@link LeaseTable} fed by the
 *       effects (as the store's {@code CommittedEffects}), heartbeats straight to it (as {@code SeatService});</li>
 *   <li>sweeps as {@code LeaseSweeper.sweep} on a lone server: {@link SeatOp.Expire} for every lapsed lease,
 *       then {@link SeatOp.EndLinger} and {@link SeatOp.EndLoanDate} for what is due;</li>
 *   <li>a restart as a lone server does one: the heartbeat-extended leases flushed, the book reloaded from
 *       its committed state (counts recounted, as {@code ResidentBookLoader}), the leases read back, and every
 *       lease lapsed by the start given one TTL from it (the grace {@code UsherServer} gives);</li>
 *   <li>answers as the HTTP API gives them ({@code ClientRoutes}, {@code AdminRoutes}): status, problem type,
 *       seat, numbers; and what {@code GET /pools} and {@code GET /seats} show.</li>
 * </ul>
 * Skipped: nothing. Every operation of {@link Op} is expressed with core's classes. Not covered, because the
 * world never exercises them: the waiting line ({@code ?wait=}), authenticated modes, machine names (no
 * world name is a host's), automatic users (every spelling is someone's), clock steps of the sweeper.
 */
public final class CoreSystem implements SystemUnderTest {

    /** {@code refuseMachineNames}: on for new installations (the server's default). */
    private static final boolean REFUSE_MACHINE_NAMES = true;
    private static final int BATCH = 500;

    private final CoreDirectory directory = new CoreDirectory();
    private final UserNames names = directory.names;
    private final Map<PoolKey, PoolSettings> settings = new HashMap<>();
    private final Map<PoolKey, Assignments> rules = new HashMap<>();
    /** The hosts seen in checkouts (the server's {@code KnownHosts}). */
    private final Set<String> knownHosts = new HashSet<>();
    private LicenseInventory inventory = LicenseInventory.empty(CoreDirectory.INSTALLATION);
    private Instant now = World.START;
    private SeatBook book = SeatBook.resident();
    private LeaseTable leases = new LeaseTable();
    private SeatMachine machine;
    private int seatNumber;

    public CoreSystem() {
        machine = machine();
        for (String f : World.INITIAL_LICENSES) {
            if (addLicense(f).status() != 201) {
                throw new IllegalStateException("set-up could not add license " + f);
            }
        }
    }

    private SeatMachine machine() {
        return new SeatMachine(book, this::terms, id -> leases.get(id).map(l -> l.expiresAt().toEpochMilli()).orElse(0L));
    }

    /** What {@code PoolCatalog.terms} gives the decision. */
    private PoolTerms terms(PoolKey pool, Instant at) {
        return inventory.terms(pool, at, settingsOf(pool)).withAssignments(rules.getOrDefault(pool, Assignments.NONE));
    }

    private PoolSettings settingsOf(PoolKey pool) {
        return settings.getOrDefault(pool, PoolSettings.DEFAULT);
    }

    @Override
    public String name() {
        return "core decision";
    }

    @Override
    public Outcome apply(Op op) {
        return switch (op) {
            case Op.Checkout c -> checkout(c);
            case Op.Checkin c -> {
                run(new SeatOp.Checkin(c.session(), key(c.pool()), now), null);
                yield Outcome.status(204);
            }
            case Op.EndSession e -> {
                run(new SeatOp.EndSession(e.session(), now), null);
                yield Outcome.status(204);
            }
            case Op.Heartbeat h -> leases.heartbeat(h.session(), now, World.LEASE_TTL).map(Outcome::heartbeat)
                    .orElse(Outcome.problem(410, "lease-expired", "session " + h.session() + " has no live lease"));
            case Op.Advance a -> {
                now = now.plusSeconds(a.seconds());
                yield Outcome.status(0);
            }
            case Op.Sweep ignored -> {
                sweep();
                yield Outcome.status(0);
            }
            case Op.SetRules r -> setRules(r);
            case Op.AddLicense a -> addLicense(a.file());
            case Op.RemoveLicense r -> {
                LicenseFile file = CoreDirectory.FILES.get(r.file());
                if (inventory.find(file.payload().id()).isEmpty()) {
                    yield Outcome.problem(404, "not-found", "no license " + file.payload().id());
                }
                inventory = inventory.without(file.payload().id());
                yield Outcome.status(204);
            }
            case Op.SetPolicy p -> {
                PoolSettings current = settingsOf(key(p.pool()));
                try {
                    settings.put(key(p.pool()), new PoolSettings(SeatKeyPolicy.fromCode(p.seatKeyPolicy()), Duration.ofSeconds(p.lingerSeconds()),
                            new BorrowPolicy(current.borrow().allowed(), current.borrow().maxDays(), p.borrowFloor())));
                } catch (IllegalArgumentException e) {
                    yield Outcome.problem(400, "validation-failed", e.getMessage());
                }
                yield Outcome.status(200);
            }
            case Op.Release r -> {
                SeatLedger.Released released = run(new SeatOp.ReleasePerson(names.key(r.user()), key(r.pool()), now,
                        "model test", false), names.key(r.user()));
                yield Outcome.released(released.seatIds().size());
            }
            case Op.Borrow b -> switch (run(new SeatOp.Borrow(b.session(), key(b.pool()), now.plusSeconds(b.seconds()), now), null)) {
                case BorrowOutcome.Lent lent -> Outcome.borrowed(lent.seatId(), lent.renewed());
                case BorrowOutcome.Refused no -> Outcome.problem(no.status(), no.code(), no.message());
            };
            case Op.ReturnLoan r -> endLoan(r.user(), r.pool(), false);
            case Op.TakeBack t -> endLoan(t.user(), t.pool(), true);
            case Op.Restart r -> {
                restart(Duration.ofSeconds(r.downSeconds()));
                yield Outcome.status(0);
            }
        };
    }

    /** Runs one operation through the machine, the people loaded first and the committed effects' leases kept after. */
    private <O> O run(SeatOp<O> op, String askedKey) {
        directory.loadInto(book, askedKey);
        SeatMachine.Run<O> run = machine.run(op);
        for (Effect e : run.effects()) {
            switch (e) {
                case Effect.StartSession s -> leases.put(s.id(), s.leaseEnd(), s.at());
                case Effect.RenewLease r -> leases.put(r.sessionId(), r.leaseEnd(), r.at());
                case Effect.EndSession s -> leases.remove(s.sessionId());
                case Effect.CreatePerson c -> directory.created(c.id(), c.name(), c.key());
                default -> { }
            }
        }
        return run.outcome();
    }

    // ---- clients -----------------------------------------------------------------------------------

    private Outcome checkout(Op.Checkout c) {
        String userKey;
        String hostName;
        String hostKey;
        try {
            userKey = names.key(c.user());
            hostName = UserNames.host(c.host());
            hostKey = UserNames.hostKey(c.host());
        } catch (IllegalArgumentException e) {
            return Outcome.problem(400, "validation-failed", e.getMessage());
        }
        String client = c.client() == null || c.client().isBlank() ? null : c.client().strip();
        CheckoutRequest request = new CheckoutRequest(c.session(), key(c.pool()), names.display(c.user()), userKey, hostName, hostKey,
                client, now, World.LEASE_TTL, null, true, REFUSE_MACHINE_NAMES, REFUSE_MACHINE_NAMES && knownHosts.contains(userKey), true,
                String.format("seat-%06d", ++seatNumber));
        knownHosts.add(hostKey);
        return switch (run(new SeatOp.Checkout(request), userKey)) {
            case Checkouts.Outcome.Done(CheckoutOutcome.Held held) -> Outcome.checkout(held.how() == CheckoutOutcome.How.NEW ? 201 : 200,
                    held.how().name().toLowerCase(java.util.Locale.ROOT), held.seatId(), held.sharedWithSessions(), held.leaseExpiresAt());
            case Checkouts.Outcome.Done(CheckoutOutcome.Denied denied) -> {
                var d = denied.deny();
                yield d.reason() == DenyReason.NO_SEATS_AVAILABLE
                        ? new Outcome(d.reason().httpStatus(), d.reason().code(), null, null, d.capacity(), d.inUse(), null, null, null, d.message())
                        : Outcome.problem(d.reason().httpStatus(), d.reason().code(), d.message());
            }
            case Checkouts.Outcome.SessionTaken t -> Outcome.problem(409, "session-conflict",
                    "session " + t.sessionId() + " belongs to " + t.owner());
            case Checkouts.Outcome.UnknownPerson u -> identity(IdentityException.unknownUser(u.name()));
            case Checkouts.Outcome.PersonDisabled d -> identity(new IdentityException(IdentityException.Kind.USER_DISABLED,
                    "the account of " + d.name() + " is disabled"));
            case Checkouts.Outcome.EndedLapsedSession e -> throw new IllegalStateException("a checkout ended with a lapsed session");
        };
    }

    private static Outcome identity(IdentityException e) {
        return Outcome.problem(e.kind().status(), e.kind().code(), e.getMessage());
    }

    /** DELETE /borrows/{seatId} for the person's seat of the pool, chosen as {@code HttpSystem} chooses it. */
    private Outcome endLoan(String user, Pool pool, boolean forced) {
        String person = Names.person(user);
        String seatId = "no-such-seat";
        for (SeatRow s : observe().seatsOf(pool)) {
            if (s.person().equals(person) && (seatId.equals("no-such-seat") || s.borrowedUntil() != null)) {
                seatId = s.seat();
            }
        }
        // ClientRoutes.endLoan: the seat must be on loan now (SeatViews.loan), then the ledger ends it.
        if (book.seat(seatId).filter(s -> s.onLoanAt(now.toEpochMilli())).isEmpty()) {
            return Outcome.problem(404, "not-found", "seat " + seatId + " is not on loan");
        }
        Optional<SeatLedger.LoanEnded> ended = run(new SeatOp.EndLoan(seatId, now, forced, "model test"), null);
        return ended.isEmpty() ? Outcome.problem(404, "not-found", "seat " + seatId + " is not on loan")
                : Outcome.loanEnded(seatId, forced ? "taken-back" : "returned");
    }

    // ---- administrators ----------------------------------------------------------------------------

    private Outcome addLicense(String name) {
        LicenseFile file = CoreDirectory.FILES.get(name);
        try {
            LicenseVerifier.verifyForInstall(file, CoreDirectory.TRUSTED, CoreDirectory.INSTALLATION, now);
        } catch (LicenseRejection e) {
            return Outcome.problem(422, "invalid-license", e.getMessage());
        }
        if (inventory.find(file.payload().id()).isPresent()) {
            return Outcome.status(200);
        }
        inventory = inventory.with(CoreDirectory.installed(file, now));
        return Outcome.status(201);
    }

    private Outcome setRules(Op.SetRules r) {
        PoolKey pool = key(r.pool());
        Assignments next;
        try {
            next = directory.resolve(r.rules());
        } catch (IllegalArgumentException e) {
            return Outcome.problem(400, "validation-failed", e.getMessage());
        }
        List<String> problems = next.problems(terms(pool, now).capacity());
        if (!problems.isEmpty()) {
            return Outcome.problem(400, "validation-failed", String.join("; ", problems));
        }
        rules.put(pool, next);
        rulesChanged();
        return Outcome.status(200);
    }

    /** As the resident engine's {@code rulesChanged}: the limits each seat counts against, recounted. */
    private void rulesChanged() {
        Map<PoolKey, Map<String, Set<Integer>>> byPool = new HashMap<>();
        for (HeldSeat s : book.seats()) {
            Assignments a = terms(s.pool(), now).assignments();
            boolean limited = a.rules().stream().anyMatch(x -> x instanceof Rule.Limit);
            if (limited || !s.limits().isEmpty()) {
                byPool.computeIfAbsent(s.pool(), k -> new HashMap<>()).put(s.id(), a.limitsCovering(s.userId(), directory.rolesOf(s.userId())));
            }
        }
        byPool.forEach(book::recountLimits);
    }

    // ---- time --------------------------------------------------------------------------------------

    /** {@code LeaseSweeper.sweep} on a lone server, then {@code SeatStore.endLingering}. */
    private void sweep() {
        for (int round = 0; round < 1000; round++) {
            List<String> lapsed = leases.lapsed(now, BATCH);
            if (lapsed.isEmpty()) {
                break;
            }
            for (String id : lapsed.stream().distinct().sorted().toList()) {
                run(new SeatOp.Expire(id, now), null);
            }
            if (lapsed.size() < BATCH) {
                break;
            }
        }
        long at = now.toEpochMilli();
        List<String> lingerEnded = book.lingerEnded(at, BATCH).stream().map(HeldSeat::id).toList();
        List<String> loanEnded = book.loansEnded(at).stream().filter(s -> s.lingerUntil() == null).limit(BATCH).map(HeldSeat::id).toList();
        lingerEnded.forEach(id -> run(new SeatOp.EndLinger(id, now), null));
        loanEnded.forEach(id -> run(new SeatOp.EndLoanDate(id, now), null));
    }

    /**
     * A clean stop and a start on the same data: heartbeat-extended leases are written down, the book is
     * loaded again from what was committed (counts recounted), the stored leases are read back, and once the
     * server answers every lease that lapsed by then runs one TTL from that moment.
     */
    private void restart(Duration down) {
        SeatBook reloaded = SeatBook.resident();
        Map<String, Integer> attached = new HashMap<>();
        Map<String, List<String>> onSeat = new HashMap<>();
        Map<String, long[]> stored = new HashMap<>();
        for (LiveSession s : book.sessions()) {
            Optional<LeaseTable.Lease> live = leases.get(s.id());
            long leaseEnd = Math.max(s.leaseEnd(), live.map(l -> l.expiresAt().toEpochMilli()).orElse(0L));
            long heartbeat = Math.max(s.lastHeartbeat(), live.map(l -> l.lastHeartbeat().toEpochMilli()).orElse(0L));
            stored.put(s.id(), new long[] {leaseEnd, heartbeat});
            reloaded.load(new LiveSession(s.id(), s.userId(), s.userName(), s.host(), s.hostKey(), s.client(), s.createdAt(), heartbeat,
                    leaseEnd, s.checkouts()));
            s.checkouts().values().forEach(seat -> {
                attached.merge(seat, 1, Integer::sum);
                onSeat.computeIfAbsent(seat, k -> new ArrayList<>()).add(s.id());
            });
        }
        now = now.plus(down);
        Map<PoolKey, PoolTally> tallies = new HashMap<>();
        for (HeldSeat s : book.seats().stream().sorted(Comparator.comparing(HeldSeat::id)).toList()) {
            Set<Integer> limits = terms(s.pool(), now).assignments().limitsCovering(s.userId(), directory.rolesOf(s.userId()));
            HeldSeat counted = new HeldSeat(s.id(), s.pool(), s.seatKey(), s.userId(), s.userName(), s.hostKey(), s.createdAt(),
                    s.lingerUntil(), s.borrowedUntil(), s.charge(), limits, attached.getOrDefault(s.id(), 0), s.grantSession());
            reloaded.load(counted, onSeat.getOrDefault(s.id(), List.of()));
            tallies.merge(s.pool(), PoolTally.EMPTY.plus(+1, counted.charge(), counted.limits()),
                    (a, b) -> a.plus(+1, counted.charge(), counted.limits()));
        }
        tallies.forEach(reloaded::load);
        book = reloaded;
        machine = machine();
        leases = new LeaseTable();
        stored.forEach((id, l) -> leases.put(id, Instant.ofEpochMilli(l[0]), Instant.ofEpochMilli(l[1])));
        stored.forEach((id, l) -> {
            if (l[0] <= now.toEpochMilli()) {
                leases.put(id, now.plus(World.LEASE_TTL), Instant.ofEpochMilli(l[1]));
            }
        });
    }

    // ---- what can be seen --------------------------------------------------------------------------

    @Override
    public ObservedState observe() {
        List<PoolRow> pools = new ArrayList<>();
        Set<PoolKey> listed = new HashSet<>();
        for (PoolSummary s : inventory.pools(now)) {
            if (s.key().product().equals(World.PRODUCT)) {
                pools.add(row(s.key(), s.capacity()));
                listed.add(s.key());
            }
        }
        // Seats can outlive their license (SeatService.pools): those pools are shown with capacity 0.
        book.tallies().forEach((pool, t) -> {
            if (t.inUse() > 0 && !listed.contains(pool) && pool.product().equals(World.PRODUCT)) {
                pools.add(row(pool, 0));
            }
        });
        List<SeatRow> seats = new ArrayList<>();
        for (HeldSeat s : book.seats()) {
            if (!s.pool().product().equals(World.PRODUCT)) {
                continue;
            }
            List<SessionRow> on = new ArrayList<>();
            for (String id : book.sessionsOn(s.id())) {
                book.session(id).ifPresent(x -> on.add(new SessionRow(x.id(), x.userName(), x.host(), Instant.ofEpochMilli(
                        Math.max(x.leaseEnd(), leases.get(x.id()).map(l -> l.expiresAt().toEpochMilli()).orElse(0L))))));
            }
            on.sort(Comparator.comparing(SessionRow::session));
            seats.add(new SeatRow(s.id(), new Pool(s.pool().product(), s.pool().feature()), s.userName(), Instant.ofEpochMilli(s.createdAt()),
                    SeatBook.instant(s.lingerUntil()), SeatBook.instant(s.borrowedUntil()), on));
        }
        return new ObservedState(now, pools, seats);
    }

    private PoolRow row(PoolKey pool, int capacity) {
        PoolSettings s = settingsOf(pool);
        return new PoolRow(new Pool(pool.product(), pool.feature()), capacity, book.tally(pool).inUse(), s.policy().code(),
                (int) s.linger().toSeconds());
    }

    private static PoolKey key(Pool pool) {
        return new PoolKey(pool.product(), pool.feature());
    }
}
