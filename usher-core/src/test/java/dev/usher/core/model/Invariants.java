package dev.usher.core.model;

import dev.usher.core.model.ObservedState.PoolRow;
import dev.usher.core.model.ObservedState.SeatRow;
import dev.usher.core.model.ObservedState.SessionRow;
import dev.usher.core.model.World.Pool;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DESIGN §3's invariants 1, 2, 3, 4, 5, 7 and 8 (and the pools' counters agreeing with the seats),
 * checked over what a system lets one see after each operation. Knows nothing of the model: it
 * remembers what it saw before (which seats are new, under which rules and capacity they came) and
 * judges each step from the operation, its answer and the state after it.
 */
public final class Invariants {

    private ObservedState before;
    private int step;
    /** What each seat was granted for, remembered when it is first seen: person, host, session. */
    private final Map<String, List<String>> grantedFor = new HashMap<>();
    private final Map<String, Integer> firstSeen = new HashMap<>();
    private final Map<Pool, List<RuleSpec>> rules = new LinkedHashMap<>();
    private final Map<Pool, Integer> termsChangedAt = new HashMap<>();

    /** The state before the first operation (nothing held). */
    public Invariants(ObservedState initial) {
        this.before = initial;
        for (PoolRow p : initial.pools()) {
            termsChangedAt.put(p.pool(), 0);
        }
    }

    /** Checks one step; returns the violations (empty when all hold). */
    public List<String> check(Op op, Outcome outcome, ObservedState after) {
        step++;
        List<String> v = new ArrayList<>();
        Instant now = after.now();
        if (op instanceof Op.SetRules r && outcome.status() == 200) {
            rules.put(r.pool(), r.rules());
            termsChangedAt.put(r.pool(), step);
        }
        for (Pool p : World.POOLS) {
            PoolRow b = before.pool(p);
            PoolRow a = after.pool(p);
            if ((b == null ? 0 : b.capacity()) != (a == null ? 0 : a.capacity())
                    || !(b == null ? "user" : b.seatKeyPolicy()).equals(a == null ? "user" : a.seatKeyPolicy())) {
                termsChangedAt.put(p, step);
            }
        }

        // 8. Every refusal has a machine-readable reason and a sentence.
        refusalExplained(outcome, v);
        counters(after, v);
        sessionsOnOneSeat(after, v);

        List<SeatRow> added = new ArrayList<>();
        for (SeatRow s : after.seats()) {
            if (before.seat(s.seat()) == null) {
                added.add(s);
                firstSeen.put(s.seat(), step);
                SessionRow first = s.sessions().isEmpty() ? null : s.sessions().getFirst();
                grantedFor.put(s.seat(), List.of(s.person(), first == null ? "?" : String.valueOf(Names.host(first.host())),
                        first == null ? "?" : first.session()));
            }
        }
        for (SeatRow s : added) {
            // A seat appears only from a checkout that answered 201 with it, with exactly that session on it.
            if (!(op instanceof Op.Checkout c) || outcome.status() != 201 || !s.seat().equals(outcome.seat())) {
                v.add("seat " + s.seat() + " of " + s.person() + " appeared after '" + op + "' answered " + outcome);
                continue;
            }
            // 1. Seats in use never exceed capacity at the moment they were granted.
            PoolRow pool = after.pool(s.pool());
            int inUse = after.seatsOf(s.pool()).size();
            if (pool == null || inUse > pool.capacity()) {
                v.add("1: seat granted to " + s.person() + " makes " + inUse + " seats of " + s.pool() + " with capacity "
                        + (pool == null ? 0 : pool.capacity()));
            }
            // 2. A seat key holds at most one seat of a pool.
            String policy = pool == null ? "user" : pool.seatKeyPolicy();
            String key = key(policy, grantedFor.get(s.seat()));
            for (SeatRow other : after.seatsOf(s.pool())) {
                if (!other.seat().equals(s.seat()) && key(policy, grantedFor.get(other.seat())).equals(key)) {
                    v.add("2: " + key + " holds two seats of " + s.pool() + " (" + other.seat() + " and " + s.seat() + ", policy " + policy + ")");
                }
            }
            // 3. A checkout repeated with the same session id never takes a second seat. A lapsed session starts
            // afresh: its seat may be freed, or stay (other sessions on it, not swept yet; a seat its new key
            // does not name), and a new one taken in its place: one seat, not two (sessionsOnOneSeat).
            for (SeatRow b : before.seatsOf(s.pool())) {
                for (SessionRow r : b.sessions()) {
                    if (r.session().equals(c.session()) && after.seat(b.seat()) != null && now.isBefore(r.leaseExpiresAt())) {
                        v.add("3: session " + c.session() + " already on seat " + b.seat() + " took another one, " + s.seat());
                    }
                }
            }
        }

        // 4 (second half). Nothing frees a seat but check-in, end of session, expiry, admin release or a loan's end.
        for (SeatRow b : before.seats()) {
            if (after.seat(b.seat()) != null || adminEnds(op, b)) {
                continue;
            }
            for (SessionRow r : b.sessions()) {
                if (now.isBefore(r.leaseExpiresAt()) && !endsSession(op, r.session(), b.pool()) && !endedByAdmin(op, r.session(), before)) {
                    v.add("4: seat " + b.seat() + " of " + b.person() + " was freed by '" + op + "' while session " + r.session()
                            + " held it with a lease until " + r.leaseExpiresAt());
                }
            }
            if (b.borrowedUntil() != null && now.isBefore(b.borrowedUntil())) {
                v.add("4: seat " + b.seat() + " of " + b.person() + " on loan until " + b.borrowedUntil() + " was freed by '" + op + "'");
            }
            if (b.lingerUntil() != null && now.isBefore(b.lingerUntil()) && b.sessions().isEmpty()) {
                v.add("4: seat " + b.seat() + " of " + b.person() + " lingering until " + b.lingerUntil() + " was freed by '" + op + "'");
            }
        }
        // A live session is never dropped from a seat but by its own check-in or end, or an admin.
        for (SeatRow b : before.seats()) {
            SeatRow a = after.seat(b.seat());
            for (SessionRow r : b.sessions()) {
                boolean still = a != null && a.sessions().stream().anyMatch(x -> x.session().equals(r.session()));
                if (!still && now.isBefore(r.leaseExpiresAt()) && !endsSession(op, r.session(), b.pool()) && !adminEnds(op, b)
                        && !endedByAdmin(op, r.session(), before)) {
                    v.add("4: live session " + r.session() + " (lease until " + r.leaseExpiresAt() + ") left seat " + b.seat()
                            + " on '" + op + "'");
                }
            }
        }
        // 4. After a sweep nothing lapsed is left.
        if (op instanceof Op.Sweep) {
            for (SeatRow s : after.seats()) {
                for (SessionRow r : s.sessions()) {
                    if (!now.isBefore(r.leaseExpiresAt())) {
                        v.add("4: session " + r.session() + " lapsed at " + r.leaseExpiresAt() + " is still on seat " + s.seat() + " after a sweep");
                    }
                }
                if (s.sessions().isEmpty() && s.lingerUntil() != null && !now.isBefore(s.lingerUntil())) {
                    v.add("4: seat " + s.seat() + " still lingers after its linger ended at " + s.lingerUntil() + " and a sweep");
                }
                if (s.borrowedUntil() != null && !now.isBefore(s.borrowedUntil())) {
                    v.add("4: seat " + s.seat() + " is still on loan after its date " + s.borrowedUntil() + " and a sweep");
                }
            }
        }

        // 5. Adding or removing license files never drops or duplicates a live seat.
        if (op instanceof Op.AddLicense || op instanceof Op.RemoveLicense) {
            if (!holdings(before).equals(holdings(after))) {
                v.add("5: '" + op + "' changed the seats: before " + holdings(before) + ", after " + holdings(after));
            }
        }

        // 7. Reservations hold: a member of a reserve whose role holds fewer than its seats is never refused for want of a seat.
        if (op instanceof Op.Checkout c && outcome.status() == 409 && "no-seats-available".equals(outcome.kind())) {
            reservationHolds(c, after, v);
        }

        before = after;
        return v;
    }

    /**
     * The invariants that need no operation: for states seen while clients run concurrently (two
     * requests apart, so the pools' counters are not compared with the seats). Seats not seen before
     * are new: each must fit the capacity and have a key of its own.
     */
    public List<String> checkConcurrent(ObservedState after) {
        List<String> v = new ArrayList<>();
        sessionsOnOneSeat(after, v);
        for (SeatRow s : after.seats()) {
            if (grantedFor.containsKey(s.seat()) || s.sessions().isEmpty()) {
                continue;
            }
            SessionRow first = s.sessions().getFirst();
            grantedFor.put(s.seat(), List.of(s.person(), String.valueOf(Names.host(first.host())), first.session()));
            PoolRow pool = after.pool(s.pool());
            if (pool == null || after.seatsOf(s.pool()).size() > pool.capacity()) {
                v.add("1: a new seat of " + s.person() + " makes " + after.seatsOf(s.pool()).size() + " seats of " + s.pool()
                        + " with capacity " + (pool == null ? 0 : pool.capacity()));
            }
            String policy = pool == null ? "user" : pool.seatKeyPolicy();
            for (SeatRow other : after.seatsOf(s.pool())) {
                if (!other.seat().equals(s.seat()) && grantedFor.containsKey(other.seat())
                        && key(policy, grantedFor.get(other.seat())).equals(key(policy, grantedFor.get(s.seat())))) {
                    v.add("2: " + key(policy, grantedFor.get(s.seat())) + " holds two seats of " + s.pool());
                }
            }
        }
        return v;
    }

    /** Between concurrent rounds: the state every later step is judged against, and its own checks. */
    public List<String> checkQuiescent(ObservedState after) {
        List<String> v = checkConcurrent(after);
        counters(after, v);
        for (SeatRow s : after.seats()) {
            firstSeen.putIfAbsent(s.seat(), step);
        }
        before = after;
        return v;
    }

    private static void refusalExplained(Outcome outcome, List<String> v) {
        if (outcome.refused() && (outcome.kind() == null || outcome.kind().isBlank() || outcome.detail() == null || outcome.detail().isBlank())) {
            v.add("8: refusal without a problem type and a sentence: " + outcome);
        }
    }

    /** Every concurrent answer must be explained too. */
    public static List<String> checkAnswer(Outcome outcome) {
        List<String> v = new ArrayList<>();
        refusalExplained(outcome, v);
        return v;
    }

    /** The pools' counters agree with the seats listed; every pool with seats is listed; no seat twice. */
    private static void counters(ObservedState after, List<String> v) {
        Set<String> refs = new HashSet<>();
        for (SeatRow s : after.seats()) {
            if (!refs.add(s.seat())) {
                v.add("seat listed twice: " + s.seat());
            }
            if (after.pool(s.pool()) == null) {
                v.add("seat " + s.seat() + " of " + s.pool() + " is held but the pool is not listed");
            }
        }
        for (PoolRow p : after.pools()) {
            if (p.inUse() != after.seatsOf(p.pool()).size()) {
                v.add("pool " + p.pool() + " says inUse=" + p.inUse() + " but " + after.seatsOf(p.pool()).size() + " seats are listed");
            }
        }
    }

    private static void sessionsOnOneSeat(ObservedState after, List<String> v) {
        for (Pool p : World.POOLS) {
            Set<String> sessions = new HashSet<>();
            for (SeatRow s : after.seatsOf(p)) {
                for (SessionRow r : s.sessions()) {
                    if (!sessions.add(r.session())) {
                        v.add("session " + r.session() + " is on two seats of " + p);
                    }
                }
            }
        }
    }

    private void reservationHolds(Op.Checkout c, ObservedState after, List<String> v) {
        String person = Names.person(c.user());
        Pool pool = c.pool();
        PoolRow row = after.pool(pool);
        List<RuleSpec> rs = rules.getOrDefault(pool, List.of());
        int reserved = 0;
        for (RuleSpec r : rs) {
            if (r.kind() == RuleSpec.Kind.RESERVE) {
                reserved += r.seats();
            }
            if (r.kind() == RuleSpec.Kind.LIMIT && r.covers(person)) {
                return; // a limit on top may refuse
            }
        }
        if (row == null || reserved > row.capacity()) {
            return; // reserves shrank: the promise is only "as long as the reserves fit"
        }
        int since = termsChangedAt.getOrDefault(pool, 0);
        for (SeatRow s : after.seatsOf(pool)) {
            if (firstSeen.getOrDefault(s.seat(), 0) <= since) {
                return; // a seat granted under other rules, capacity or policy is never revoked
            }
        }
        for (RuleSpec r : rs) {
            if (r.kind() == RuleSpec.Kind.RESERVE && r.covers(person)) {
                int held = 0;
                for (SeatRow s : after.seatsOf(pool)) {
                    if (r.covers(s.person())) {
                        held++;
                    }
                }
                if (held < r.seats()) {
                    v.add("7: " + person + " was refused a seat of " + pool + " although '" + r + "' holds only " + held + " seats");
                }
            }
        }
    }

    private static String key(String policy, List<String> grantedFor) {
        return switch (policy) {
            case "user+host" -> grantedFor.get(0) + "@" + grantedFor.get(1);
            case "session" -> grantedFor.get(0) + "#" + grantedFor.get(2);
            default -> grantedFor.get(0);
        };
    }

    private static boolean adminEnds(Op op, SeatRow seat) {
        return switch (op) {
            case Op.Release r -> r.pool().equals(seat.pool()) && Names.person(r.user()).equals(seat.person());
            case Op.TakeBack t -> t.pool().equals(seat.pool()) && Names.person(t.user()).equals(seat.person());
            case Op.ReturnLoan r -> r.pool().equals(seat.pool()) && Names.person(r.user()).equals(seat.person());
            default -> false;
        };
    }

    /**
     * An administrator's release or take-back ends the sessions on the seat whole (their clients hear 410 at the next
     * heartbeat), so those sessions also leave their seats of other pools, as at a session end.
     */
    private static boolean endedByAdmin(Op op, String session, ObservedState before) {
        return (op instanceof Op.Release || op instanceof Op.TakeBack) && before.seats().stream()
                .anyMatch(s -> adminEnds(op, s) && s.sessions().stream().anyMatch(x -> x.session().equals(session)));
    }

    private static boolean endsSession(Op op, String session, Pool pool) {
        return switch (op) {
            case Op.EndSession e -> e.session().equals(session);
            case Op.Checkin c -> c.session().equals(session) && c.pool().equals(pool);
            default -> false;
        };
    }

    /** Seat to its sessions, for "nothing dropped, nothing duplicated". */
    private static Map<String, Set<String>> holdings(ObservedState s) {
        Map<String, Set<String>> h = new LinkedHashMap<>();
        for (SeatRow r : s.seats()) {
            Set<String> sessions = new HashSet<>();
            r.sessions().forEach(x -> sessions.add(x.session()));
            h.put(r.seat(), sessions);
        }
        return h;
    }
}
