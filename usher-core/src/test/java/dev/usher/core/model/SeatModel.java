package dev.usher.core.model;

import dev.usher.core.model.ObservedState.PoolRow;
import dev.usher.core.model.ObservedState.SeatRow;
import dev.usher.core.model.ObservedState.SessionRow;
import dev.usher.core.model.World.LicenseSpec;
import dev.usher.core.model.World.Pool;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The naive reference model of seats, written from the spec (DESIGN §2-§3, the README's seat, lease,
 * borrowing and license sections, docs/ASSIGNMENTS.md) and nothing else. Plain lists and loops: every
 * number is recounted from the lists every time it is needed; nothing is cached.
 *
 * <p>Where the spec is silent, the model decides what a serious license server must do; each such
 * decision is marked {@code DECISION} below (and listed in the model test's report).
 *
 * <ul>
 * <li>DECISION (time): a lapsed lease, an ended linger and a loan past its date take effect at the next
 *     sweep (invariant 4 allows up to one sweep interval). Until then the seat is held and counts in use,
 *     and any session of the same person may join it. The lapsed session itself cannot heartbeat
 *     ({@code 410}, as the spec says); a checkout with its id (what a client does after that 410) first
 *     ends the lapsed session as the sweep would, then is decided afresh: after a 410 the answer cannot
 *     be "kept". Until it is collected, the lapsed session's id is still its person's: another person
 *     sending it gets {@code 409 session-conflict}.</li>
 * <li>DECISION (restart): at start every lease that ended before the start, whether while the server was
 *     down or before, gets one TTL from the start (a server cannot tell the two apart after a kill -9 and
 *     must prefer keeping seats).</li>
 * <li>DECISION (order of a checkout's checks): session of another person (409 session-conflict), the
 *     session's own seat (200 kept), a seat of the same key (200 joined), then for a new seat only: unknown
 *     pool (404), server not licensed (503), deny/allow-only (403), limits (409), capacity and charge (409),
 *     new seat (201). A holder is never asked again ("a person who already holds a seat joins it",
 *     docs/ASSIGNMENTS.md step 1; "removing a license never cuts off a seat someone holds"), so after the
 *     pool's last license is removed, its holders' sessions still keep and join their seats.</li>
 * <li>DECISION (sessions): a session exists while it has at least one checkout; its lease is per session
 *     (a checkout or heartbeat renews every checkout of it); a refused checkout changes nothing. A session id
 *     is taken only while the session exists. An administrator's release or take-back ends the seat, and the
 *     sessions on it end whole (a session is what a client knows: it hears 410 at its next heartbeat), their
 *     checkouts of other pools as at a session end.</li>
 * <li>DECISION (seat keys): a seat remembers the person, host and session it was granted for. Under the
 *     pool's current policy a checkout's key is the person (user), person and host (user+host) or the
 *     session (session); it joins the oldest seat whose remembered parts give the same key. Switching to a
 *     stricter policy so never hands out an extra seat; switching to a looser one gives new sessions
 *     their own seats.</li>
 * <li>DECISION (capacity): a grant needs in-use below capacity besides its charge's room (a shrunken set of
 *     reserves must never let in-use pass capacity: invariant 1 wins over "members can always get N").</li>
 * <li>DECISION (linger): a seat whose last session lapsed lingers from the lease's end; one checked in or
 *     ended lingers from that moment. A lingering seat rejoined is {@code joined}.</li>
 * <li>DECISION (loans): a loan's date passing or its return frees the seat at once when no session is on it;
 *     sessions on it keep it as an ordinary seat. An admin release also frees seats on loan.</li>
 * <li>DECISION (pools): a pool is known while an installed file names it, even when every part has expired
 *     (capacity 0 then). Pools are listed while known or while seats of them are held. Its policy and rules
 *     are settings of the product and feature: they may be set while no license names it (an administrator
 *     prepares them before the file arrives), reserves then checked against capacity 0.</li>
 * </ul>
 */
public final class SeatModel implements SystemUnderTest {

    private static final long HEARTBEAT_SECONDS = World.LEASE_TTL.toSeconds() / 3;

    private Instant now = World.START;
    private final List<String> installed = new ArrayList<>(World.INITIAL_LICENSES);
    private final Map<Pool, Policy> policies = new LinkedHashMap<>();
    private final Map<Pool, List<RuleSpec>> rules = new LinkedHashMap<>();
    private final List<Seat> seats = new ArrayList<>();
    private final List<Session> sessions = new ArrayList<>();
    private int nextSeat = 1;

    private record Policy(String seatKeyPolicy, int lingerSeconds, int borrowFloor) {
        static final Policy DEFAULT = new Policy("user", 0, 0);
        static final int BORROW_MAX_DAYS = 7;
    }

    private static final class Seat {
        int id;
        Pool pool;
        String person;
        String grantHost;
        String grantSession;
        Instant since;
        String charge;
        Instant lingerUntil;
        Instant borrowedUntil;

        Seat copy() {
            Seat s = new Seat();
            s.id = id;
            s.pool = pool;
            s.person = person;
            s.grantHost = grantHost;
            s.grantSession = grantSession;
            s.since = since;
            s.charge = charge;
            s.lingerUntil = lingerUntil;
            s.borrowedUntil = borrowedUntil;
            return s;
        }
    }

    private record Attachment(Pool pool, int seat) {
    }

    private static final class Session {
        String id;
        String person;
        String user;
        String host;
        Instant leaseEnd;
        final List<Attachment> checkouts = new ArrayList<>();

        Session copy() {
            Session s = new Session();
            s.id = id;
            s.person = person;
            s.user = user;
            s.host = host;
            s.leaseEnd = leaseEnd;
            s.checkouts.addAll(checkouts);
            return s;
        }
    }

    /** A copy to explore another order of the same operations (the concurrent check). */
    public SeatModel copy() {
        SeatModel m = new SeatModel();
        m.now = now;
        m.installed.clear();
        m.installed.addAll(installed);
        m.policies.putAll(policies);
        rules.forEach((k, v) -> m.rules.put(k, List.copyOf(v)));
        seats.forEach(s -> m.seats.add(s.copy()));
        sessions.forEach(s -> m.sessions.add(s.copy()));
        m.nextSeat = nextSeat;
        return m;
    }

    @Override
    public String name() {
        return "model";
    }

    public Instant now() {
        return now;
    }

    @Override
    public Outcome apply(Op op) {
        return switch (op) {
            case Op.Checkout c -> checkout(c);
            case Op.Checkin c -> {
                Session s = session(c.session());
                if (s != null) {
                    detach(s, c.pool(), now);
                }
                yield Outcome.status(204);
            }
            case Op.EndSession e -> {
                Session s = session(e.session());
                if (s != null) {
                    for (Pool p : s.checkouts.stream().map(Attachment::pool).toList()) {
                        detach(s, p, now);
                    }
                    sessions.remove(s);
                }
                yield Outcome.status(204);
            }
            case Op.Heartbeat h -> {
                Session s = session(h.session());
                if (s == null || !now.isBefore(s.leaseEnd)) {
                    yield Outcome.problem(410, "lease-expired", "The lease of session " + h.session() + " lapsed or ended: check out again.");
                }
                s.leaseEnd = now.plus(World.LEASE_TTL);
                yield Outcome.heartbeat(s.leaseEnd);
            }
            case Op.Advance a -> {
                now = now.plusSeconds(a.seconds());
                yield Outcome.status(0);
            }
            case Op.Sweep ignored -> {
                sweep();
                yield Outcome.status(0);
            }
            case Op.SetRules r -> setRules(r);
            case Op.AddLicense a -> {
                if (installed.contains(a.file())) {
                    yield Outcome.status(200);
                }
                if (!World.LICENSES.get(a.file()).validAt(now)) {
                    yield Outcome.problem(422, "invalid-license", "The license has expired.");
                }
                installed.add(a.file());
                yield Outcome.status(201);
            }
            case Op.RemoveLicense r -> {
                if (!installed.remove(r.file())) {
                    yield Outcome.problem(404, "not-found", "No such license.");
                }
                yield Outcome.status(204);
            }
            case Op.SetPolicy p -> {
                policies.put(p.pool(), new Policy(p.seatKeyPolicy(), p.lingerSeconds(), p.borrowFloor()));
                yield Outcome.status(200);
            }
            case Op.Release r -> {
                String person = Names.person(r.user());
                int n = 0;
                for (Seat s : List.copyOf(seats)) {
                    if (s.pool.equals(r.pool()) && s.person.equals(person)) {
                        end(s);
                        n++;
                    }
                }
                yield Outcome.released(n);
            }
            case Op.Borrow b -> borrow(b);
            case Op.ReturnLoan r -> {
                Seat s = onLoan(Names.person(r.user()), r.pool());
                if (s == null) {
                    yield Outcome.problem(404, "not-found", "That seat is not on loan.");
                }
                s.borrowedUntil = null;
                if (sessionsOn(s).isEmpty()) {
                    seats.remove(s);
                }
                yield Outcome.loanEnded(ref(s), "returned");
            }
            case Op.TakeBack t -> {
                Seat s = onLoan(Names.person(t.user()), t.pool());
                if (s == null) {
                    yield Outcome.problem(404, "not-found", "That seat is not on loan.");
                }
                end(s);
                yield Outcome.loanEnded(ref(s), "taken-back");
            }
            case Op.Restart r -> {
                now = now.plusSeconds(r.downSeconds());
                for (Session s : sessions) {
                    if (!now.isBefore(s.leaseEnd)) {
                        s.leaseEnd = now.plus(World.LEASE_TTL);
                    }
                }
                yield Outcome.status(0);
            }
        };
    }

    // ---- checkout --------------------------------------------------------------------------------

    private Outcome checkout(Op.Checkout c) {
        Pool pool = c.pool();
        String person = Names.person(c.user());
        String host = Names.host(c.host());
        Session session = session(c.session());
        if (session != null && !session.person.equals(person)) {
            return Outcome.problem(409, "session-conflict", "Session " + c.session() + " belongs to someone else.");
        }
        if (session != null && !now.isBefore(session.leaseEnd)) {
            expire(session);
            session = null;
        }
        if (session != null) {
            for (Attachment a : session.checkouts) {
                if (a.pool().equals(pool)) {
                    session.leaseEnd = now.plus(World.LEASE_TTL);
                    Seat seat = seat(a.seat());
                    return Outcome.checkout(200, "kept", ref(seat), sessionsOn(seat).size() - 1, session.leaseEnd);
                }
            }
        }
        Seat same = null;
        for (Seat s : seats) {
            if (s.pool.equals(pool) && s.person.equals(person)
                    && key(pool, s.person, s.grantHost, s.grantSession).equals(key(pool, person, host, c.session()))

                    && (same == null || s.id < same.id)) {
                same = s;
            }
        }
        if (same != null) {
            Session s = attach(session, c, person, same);
            same.lingerUntil = null;
            return Outcome.checkout(200, "joined", ref(same), sessionsOn(same).size() - 1, s.leaseEnd);
        }
        if (!known(pool)) {
            return Outcome.problem(404, "unknown-pool", "No license mentions " + pool + ".");
        }
        if (!serverLicensed(pool.product())) {
            return Outcome.problem(503, "server-not-licensed", "This server is not licensed to serve " + pool.product() + ".");
        }
        List<RuleSpec> rs = rules.getOrDefault(pool, List.of());
        for (RuleSpec r : rs) {
            if (r.kind() == RuleSpec.Kind.DENY && r.covers(person)) {
                return Outcome.problem(403, "not-entitled", "The rule '" + r + "' keeps " + person + " out of " + pool + ".");
            }
            if (r.kind() == RuleSpec.Kind.ALLOW_ONLY && !r.admits(person)) {
                return Outcome.problem(403, "not-entitled", "The rule '" + r + "' keeps " + person + " out of " + pool + ".");
            }
        }
        int capacity = capacity(pool);
        int inUse = seatsIn(pool).size();
        for (RuleSpec r : rs) {
            if (r.kind() == RuleSpec.Kind.LIMIT && r.covers(person)) {
                int held = 0;
                for (Seat s : seatsIn(pool)) {
                    if (r.covers(s.person)) {
                        held++;
                    }
                }
                if (held >= r.seats()) {
                    return Outcome.noSeats(capacity, inUse, "limit for " + r + ": " + held + " of " + r.seats() + " in use");
                }
            }
        }
        if (inUse >= capacity) {
            return Outcome.noSeats(capacity, inUse, "All " + capacity + " seats of " + pool + " are in use.");
        }
        String charge = null;
        int bestFree = 0;
        for (RuleSpec r : rs) {
            if (r.kind() == RuleSpec.Kind.RESERVE && r.covers(person)) {
                int free = effectiveReserve(pool, r) - chargedTo(pool, r.target());
                if (free > bestFree) {
                    bestFree = free;
                    charge = r.target();
                }
            }
        }
        if (charge == null) {
            if (sharedInUse(pool) >= capacity - reservedTotal(pool)) {
                return Outcome.noSeats(capacity, inUse, "shared: " + sharedInUse(pool) + " of " + (capacity - reservedTotal(pool)) + " in use");
            }
            charge = "shared";
        }
        Seat seat = new Seat();
        seat.id = nextSeat++;
        seat.pool = pool;
        seat.person = person;
        seat.grantHost = host;
        seat.grantSession = c.session();
        seat.since = now;
        seat.charge = charge;
        seats.add(seat);
        Session s = attach(session, c, person, seat);
        return Outcome.checkout(201, "new", ref(seat), 0, s.leaseEnd);
    }

    private Session attach(Session session, Op.Checkout c, String person, Seat seat) {
        if (session == null) {
            session = new Session();
            session.id = c.session();
            session.person = person;
            session.user = c.user();
            session.host = c.host();
            sessions.add(session);
        }
        session.checkouts.add(new Attachment(seat.pool, seat.id));
        session.leaseEnd = now.plus(World.LEASE_TTL);
        return session;
    }

    /** The seat key of a checkout (or of a seat's remembered parts) under the pool's current policy. */
    private String key(Pool pool, String person, String host, String session) {
        return switch (policy(pool).seatKeyPolicy()) {
            case "user+host" -> person + "@" + host;
            case "session" -> person + "#" + session;
            default -> person;
        };
    }

    // ---- rules -----------------------------------------------------------------------------------

    private Outcome setRules(Op.SetRules r) {
        int reserved = 0;
        for (RuleSpec rule : r.rules()) {
            if (rule.kind() == RuleSpec.Kind.RESERVE) {
                reserved += rule.seats();
            }
        }
        if (reserved > capacity(r.pool())) {
            return Outcome.problem(400, "validation-failed", "Reserves add up to " + reserved + ", more than the capacity " + capacity(r.pool()) + ".");
        }
        // DECISION (docs/ASSIGNMENTS.md): one allow-only rule lists everyone allowed; two are refused.
        if (r.rules().stream().filter(x -> x.kind() == RuleSpec.Kind.ALLOW_ONLY).count() > 1) {
            return Outcome.problem(400, "validation-failed", "Give one allow-only rule listing every role and user allowed.");
        }
        rules.put(r.pool(), List.copyOf(r.rules()));
        return Outcome.status(200);
    }

    private int reservedTotal(Pool pool) {
        int total = 0;
        for (RuleSpec r : rules.getOrDefault(pool, List.of())) {
            if (r.kind() == RuleSpec.Kind.RESERVE) {
                total += effectiveReserve(pool, r);
            }
        }
        return total;
    }

    /** A reserve's seats at today's capacity: as written, or shrunk in proportion (rounded down) when they no longer fit. */
    private int effectiveReserve(Pool pool, RuleSpec reserve) {
        int sum = 0;
        for (RuleSpec r : rules.getOrDefault(pool, List.of())) {
            if (r.kind() == RuleSpec.Kind.RESERVE) {
                sum += r.seats();
            }
        }
        int capacity = capacity(pool);
        if (sum <= capacity) {
            return reserve.seats();
        }
        return (int) ((long) reserve.seats() * capacity / sum);
    }

    private int chargedTo(Pool pool, String target) {
        int n = 0;
        for (Seat s : seatsIn(pool)) {
            if (s.charge.equals(target)) {
                n++;
            }
        }
        return n;
    }

    /** Seats not charged to any reserve of the current rules count against the shared part. */
    private int sharedInUse(Pool pool) {
        int n = 0;
        for (Seat s : seatsIn(pool)) {
            boolean reserve = false;
            for (RuleSpec r : rules.getOrDefault(pool, List.of())) {
                if (r.kind() == RuleSpec.Kind.RESERVE && r.target().equals(s.charge)) {
                    reserve = true;
                }
            }
            if (!reserve) {
                n++;
            }
        }
        return n;
    }

    // ---- loans -----------------------------------------------------------------------------------

    private Outcome borrow(Op.Borrow b) {
        if (b.seconds() > Duration.ofDays(Policy.BORROW_MAX_DAYS).toSeconds()) {
            return Outcome.problem(400, "borrow-too-long", "Loans of " + b.pool() + " last at most " + Policy.BORROW_MAX_DAYS + " days.");
        }
        Session session = session(b.session());
        Attachment held = null;
        if (session != null && now.isBefore(session.leaseEnd)) {
            for (Attachment a : session.checkouts) {
                if (a.pool().equals(b.pool())) {
                    held = a;
                }
            }
        }
        if (held == null) {
            return Outcome.problem(409, "not-checked-out", "Session " + b.session() + " holds no seat of " + b.pool() + ": check out first.");
        }
        Seat seat = seat(held.seat());
        boolean renewed = seat.borrowedUntil != null && now.isBefore(seat.borrowedUntil);
        if (!renewed) {
            int onLoan = 0;
            for (Seat s : seatsIn(b.pool())) {
                if (s.borrowedUntil != null && now.isBefore(s.borrowedUntil)) {
                    onLoan++;
                }
            }
            if (onLoan >= capacity(b.pool()) - policy(b.pool()).borrowFloor()) {
                return Outcome.problem(409, "borrow-limit-reached", "Every seat of " + b.pool() + " that may be lent is on loan.");
            }
        }
        seat.borrowedUntil = now.plusSeconds(b.seconds());
        return Outcome.borrowed(ref(seat), renewed);
    }

    private Seat onLoan(String person, Pool pool) {
        for (Seat s : seatsIn(pool)) {
            if (s.person.equals(person) && s.borrowedUntil != null && now.isBefore(s.borrowedUntil)) {
                return s;
            }
        }
        return null;
    }

    // ---- releasing -------------------------------------------------------------------------------

    /** The session lets go of its checkout of the pool at {@code at}; its seat returns when nothing else keeps it. */
    private void detach(Session session, Pool pool, Instant at) {
        for (Attachment a : List.copyOf(session.checkouts)) {
            if (a.pool().equals(pool)) {
                session.checkouts.remove(a);
                Seat seat = seat(a.seat());
                if (seat != null && sessionsOn(seat).isEmpty()) {
                    lastSessionGone(seat, at);
                }
            }
        }
        if (session.checkouts.isEmpty()) {
            sessions.remove(session);
        }
    }

    private void lastSessionGone(Seat seat, Instant at) {
        if (seat.borrowedUntil != null && now.isBefore(seat.borrowedUntil)) {
            return;
        }
        seat.borrowedUntil = null;
        int linger = policy(seat.pool).lingerSeconds();
        // A linger already over (a lease that lapsed long ago, ended by its own session's checkout) frees the seat
        // at once, as the sweep that ends the session would in the same pass.
        if (linger > 0 && now.isBefore(at.plusSeconds(linger))) {
            seat.lingerUntil = at.plusSeconds(linger);
        } else {
            seats.remove(seat);
        }
    }

    /** An administrator ends the seat: the sessions on it end whole, their other checkouts as at a session end. */
    private void end(Seat seat) {
        seats.remove(seat);
        for (Session s : List.copyOf(sessions)) {
            if (s.checkouts.removeIf(a -> a.seat() == seat.id)) {
                for (Pool p : s.checkouts.stream().map(Attachment::pool).distinct().toList()) {
                    detach(s, p, now);
                }
                sessions.remove(s);
            }
        }
    }

    /** A lapsed session ends as of its lease's end. */
    private void expire(Session s) {
        sessions.remove(s);
        for (Attachment a : s.checkouts) {
            Seat seat = seat(a.seat());
            if (seat != null && sessionsOn(seat).isEmpty()) {
                lastSessionGone(seat, s.leaseEnd);
            }
        }
    }

    private void sweep() {
        for (Session s : List.copyOf(sessions)) {
            if (!now.isBefore(s.leaseEnd)) {
                expire(s);
            }
        }
        for (Seat seat : List.copyOf(seats)) {
            if (seat.lingerUntil != null && !now.isBefore(seat.lingerUntil) && sessionsOn(seat).isEmpty()) {
                seats.remove(seat);
            }
        }
        for (Seat seat : List.copyOf(seats)) {
            if (seat.borrowedUntil != null && !now.isBefore(seat.borrowedUntil)) {
                if (sessionsOn(seat).isEmpty()) {
                    seats.remove(seat);
                } else {
                    seat.borrowedUntil = null;
                }
            }
        }
    }

    // ---- counting --------------------------------------------------------------------------------

    private boolean known(Pool pool) {
        for (String f : installed) {
            if (pool.product().equals(World.PRODUCT) && World.LICENSES.get(f).seats().containsKey(pool.feature())) {
                return true;
            }
        }
        return false;
    }

    private boolean serverLicensed(String product) {
        for (String f : installed) {
            LicenseSpec l = World.LICENSES.get(f);
            if (product.equals(World.PRODUCT) && l.server() && l.validAt(now)) {
                return true;
            }
        }
        return false;
    }

    /** Capacity at this instant: the seats of every installed file's entitlement that is valid now. */
    public int capacity(Pool pool) {
        int capacity = 0;
        for (String f : installed) {
            LicenseSpec l = World.LICENSES.get(f);
            if (pool.product().equals(World.PRODUCT) && l.validAt(now)) {
                capacity += l.seats().getOrDefault(pool.feature(), 0);
            }
        }
        return capacity;
    }

    private Policy policy(Pool pool) {
        return policies.getOrDefault(pool, Policy.DEFAULT);
    }

    private List<Seat> seatsIn(Pool pool) {
        List<Seat> in = new ArrayList<>();
        for (Seat s : seats) {
            if (s.pool.equals(pool)) {
                in.add(s);
            }
        }
        return in;
    }

    private List<Session> sessionsOn(Seat seat) {
        List<Session> on = new ArrayList<>();
        for (Session s : sessions) {
            for (Attachment a : s.checkouts) {
                if (a.seat() == seat.id) {
                    on.add(s);
                }
            }
        }
        return on;
    }

    private Session session(String id) {
        for (Session s : sessions) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        return null;
    }

    private Seat seat(int id) {
        for (Seat s : seats) {
            if (s.id == id) {
                return s;
            }
        }
        return null;
    }

    private static String ref(Seat s) {
        return "m" + s.id;
    }

    /** The current rules of a pool (for the invariant checker and reports). */
    public List<RuleSpec> rules(Pool pool) {
        return rules.getOrDefault(pool, List.of());
    }

    @Override
    public ObservedState observe() {
        List<PoolRow> pools = new ArrayList<>();
        for (Pool p : World.POOLS) {
            if (known(p) || !seatsIn(p).isEmpty()) {
                pools.add(new PoolRow(p, capacity(p), seatsIn(p).size(), policy(p).seatKeyPolicy(), policy(p).lingerSeconds()));
            }
        }
        List<SeatRow> rows = new ArrayList<>();
        for (Seat s : seats) {
            List<SessionRow> on = new ArrayList<>();
            for (Session session : sessionsOn(s)) {
                on.add(new SessionRow(session.id, session.user, session.host, session.leaseEnd));
            }
            on.sort(Comparator.comparing(SessionRow::session));
            rows.add(new SeatRow(ref(s), s.pool, s.person, s.since, s.lingerUntil, s.borrowedUntil, on));
        }
        return new ObservedState(now, pools, rows);
    }

    @Override
    public String toString() {
        return "model at " + now + " with " + seats.size() + " seats, " + sessions.size() + " sessions";
    }
}
