package dev.usher.store.seat;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.PoolTally;
import dev.usher.core.seat.state.SeatBook;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads the whole seat state of a store this process owns (SQLite) into a resident book: at start,
 * and so after a {@code kill -9}, since every acknowledged decision was committed before its answer.
 * Counts (a pool's seats, a seat's sessions) are recounted from the rows, not trusted.
 */
final class ResidentBookLoader {

    private ResidentBookLoader() {
    }

    static SeatBook load(Handle h, PoolTermsSource terms, Instant now) {
        SeatBook book = SeatBook.resident();
        Map<String, Map<PoolKey, String>> checkouts = new HashMap<>();
        Map<String, List<String>> onSeat = new HashMap<>();
        h.createQuery("SELECT session_id, product, feature, seat_id FROM checkouts")
                .map((rs, ctx) -> {
                    checkouts.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(new PoolKey(rs.getString(2), rs.getString(3)),
                            rs.getString(4));
                    return onSeat.computeIfAbsent(rs.getString(4), k -> new ArrayList<>()).add(rs.getString(1));
                })
                .list();
        h.createQuery("SELECT " + SeatRows.SESSION_COLUMNS + " FROM sessions x JOIN users u ON u.id = x.user_id")
                .map((rs, ctx) -> {
                    book.load(SeatRows.session(rs, 1, checkouts.getOrDefault(rs.getString(1), Map.of())));
                    return 0;
                })
                .list();
        List<HeldSeat> seats = new ArrayList<>();
        h.createQuery("SELECT " + SeatRows.SEAT_COLUMNS + " FROM seats s JOIN users u ON u.id = s.user_id")
                .map((rs, ctx) -> seats.add(SeatRows.seat(rs, 1)))
                .list();
        Map<PoolKey, List<HeldSeat>> byPool = new HashMap<>();
        for (HeldSeat s : seats) {
            byPool.computeIfAbsent(s.pool(), k -> new ArrayList<>()).add(s);
        }
        Map<Long, Set<Long>> roles = rolesIfLimited(h, byPool.keySet(), terms, now);
        for (var e : byPool.entrySet()) {
            Assignments rules = terms.terms(e.getKey(), now).assignments();
            PoolTally tally = PoolTally.EMPTY;
            for (HeldSeat s : e.getValue()) {
                List<String> sessions = onSeat.getOrDefault(s.id(), List.of());
                HeldSeat counted = withCounts(s, sessions.size(), limits(rules, s, roles));
                book.load(counted, sessions);
                tally = tally.plus(+1, counted.charge(), counted.limits());
            }
            book.load(e.getKey(), tally);
        }
        return book;
    }

    /** The limit rules each of these seats counts against, from the rules and the holders' roles. */
    static Map<String, Set<Integer>> limitsBySeat(Assignments rules, java.util.Collection<HeldSeat> seats, Map<Long, Set<Long>> roles) {
        Map<String, Set<Integer>> out = new HashMap<>();
        for (HeldSeat s : seats) {
            out.put(s.id(), limits(rules, s, roles));
        }
        return out;
    }

    private static Set<Integer> limits(Assignments rules, HeldSeat s, Map<Long, Set<Long>> roles) {
        return rules.limitsCovering(s.userId(), roles.getOrDefault(s.userId(), Set.of()));
    }

    private static HeldSeat withCounts(HeldSeat s, int attached, Set<Integer> limits) {
        return new HeldSeat(s.id(), s.pool(), s.seatKey(), s.userId(), s.userName(), s.hostKey(), s.createdAt(), s.lingerUntil(),
                s.borrowedUntil(), s.charge(), limits, attached, s.grantSession());
    }

    static boolean hasLimits(Assignments rules) {
        return rules.rules().stream().anyMatch(r -> r instanceof dev.usher.core.assignment.Rule.Limit);
    }

    /** Everyone's roles (All Users included), read only when some pool has a limit rule to count against. */
    private static Map<Long, Set<Long>> rolesIfLimited(Handle h, Set<PoolKey> pools, PoolTermsSource terms, Instant now) {
        return pools.stream().anyMatch(p -> hasLimits(terms.terms(p, now).assignments())) ? roles(h) : Map.of();
    }

    static Map<Long, Set<Long>> roles(Handle h) {
        long all = h.createQuery("SELECT id FROM roles WHERE built_in = 'all-users'").mapTo(Long.class).one();
        Map<Long, Set<Long>> roles = new HashMap<>();
        h.createQuery("SELECT id FROM users").mapTo(Long.class).forEach(id -> roles.computeIfAbsent(id, k -> new HashSet<>()).add(all));
        h.createQuery("SELECT user_id, role_id FROM role_members")
                .map((rs, ctx) -> roles.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getLong(2)))
                .list();
        return roles;
    }
}
