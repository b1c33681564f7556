package dev.usher.store.seat;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Charge;
import dev.usher.core.assignment.Rule;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.PoolTally;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.usher.store.seat.ReadScript.texts;

/**
 * The tallies of some pools as a shared database holds them: seats in use from each pool's counter.
 * Pools with rules also count their seats per charge (a read of the pool's seats: the price of
 * reserves on a shared store), and pools with limit rules their holders' seats per limit, with the
 * roles as they are now (what each seat counts against too).
 */
record SharedTallies(Map<PoolKey, PoolTally> byPool, Map<PoolKey, Assignments> limited, Map<Long, Set<Long>> roles) {

    /** The seat with the limits its holder is counted against (pools with limit rules). */
    HeldSeat limited(HeldSeat s) {
        Assignments rules = limited.get(s.pool());
        if (rules == null) {
            return s;
        }
        Set<Integer> limits = rules.limitsCovering(s.userId(), roles.getOrDefault(s.userId(), Set.of()));
        return new HeldSeat(s.id(), s.pool(), s.seatKey(), s.userId(), s.userName(), s.hostKey(), s.createdAt(), s.lingerUntil(),
                s.borrowedUntil(), s.charge(), limits, s.attached(), s.grantSession());
    }

    /** The queries a tally needs, added to a round trip; {@link #done} once it ran. */
    static final class Reading {
        private final Map<PoolKey, Integer> inUse = new HashMap<>();
        private final Map<PoolKey, Map<Integer, Integer>> perReserve = new HashMap<>();
        private final Map<PoolKey, Integer> shared = new HashMap<>();
        private final Map<PoolKey, Map<Long, Integer>> seatsOfHolder = new HashMap<>();
        private final Map<Long, Set<Long>> roles = new HashMap<>();
        private final Map<PoolKey, Assignments> rules = new HashMap<>();
        private final Map<PoolKey, Assignments> limited = new HashMap<>();
        private final long allUsersRole;

        private Reading(long allUsersRole) {
            this.allUsersRole = allUsersRole;
        }

        SharedTallies done() {
            Map<PoolKey, PoolTally> out = new HashMap<>();
            rules.forEach((pool, r) -> {
                int n = inUse.getOrDefault(pool, 0);
                if (r.isEmpty()) {
                    // Nobody reads the per-charge numbers of a pool without rules: everything counts as shared.
                    out.put(pool, new PoolTally(n, Map.of(), n, Map.of()));
                    return;
                }
                Map<Integer, Integer> perLimit = new HashMap<>();
                seatsOfHolder.getOrDefault(pool, Map.of()).forEach((user, held) -> {
                    for (int i : r.limitsCovering(user, roles.getOrDefault(user, Set.of(allUsersRole)))) {
                        perLimit.merge(i, held, Integer::sum);
                    }
                });
                out.put(pool, new PoolTally(n, perReserve.getOrDefault(pool, Map.of()), shared.getOrDefault(pool, 0), perLimit));
            });
            return new SharedTallies(out, limited, roles);
        }
    }

    static Reading read(ReadScript read, PoolTermsSource terms, Set<PoolKey> pools, Instant now, long allUsersRole) {
        Reading r = new Reading(allUsersRole);
        if (pools.isEmpty()) {
            return r;
        }
        List<PoolKey> all = List.copyOf(pools);
        read.add(SharedReads.IN_USE,
                List.of(texts(all.stream().map(PoolKey::product).toList()), texts(all.stream().map(PoolKey::feature).toList())),
                rs -> r.inUse.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3)));
        all.forEach(p -> r.rules.put(p, terms.terms(p, now).assignments()));
        List<PoolKey> withRules = all.stream().filter(p -> !r.rules.get(p).isEmpty()).toList();
        if (!withRules.isEmpty()) {
            read.add("""
                    SELECT product, feature, charge, COUNT(*) FROM seats
                    WHERE (product, feature) IN (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[])))
                    GROUP BY product, feature, charge""",
                    List.of(texts(withRules.stream().map(PoolKey::product).toList()), texts(withRules.stream().map(PoolKey::feature).toList())),
                    rs -> {
                        PoolKey pool = new PoolKey(rs.getString(1), rs.getString(2));
                        if (Charge.fromCode(rs.getString(3)) instanceof Charge.Reserve res) {
                            r.perReserve.computeIfAbsent(pool, k -> new HashMap<>()).merge(res.ruleIndex(), rs.getInt(4), Integer::sum);
                        } else {
                            r.shared.merge(pool, rs.getInt(4), Integer::sum);
                        }
                    });
        }
        List<PoolKey> withLimits = withRules.stream()
                .filter(p -> r.rules.get(p).rules().stream().anyMatch(x -> x instanceof Rule.Limit)).toList();
        withLimits.forEach(p -> r.limited.put(p, r.rules.get(p)));
        if (!withLimits.isEmpty()) {
            // Each holder with their seats in the pool and their roles: a seat counts against the limits covering its holder.
            read.add("""
                    SELECT s.product, s.feature, s.user_id, COUNT(*), ARRAY(SELECT m.role_id FROM role_members m WHERE m.user_id = s.user_id)
                    FROM seats s WHERE (s.product, s.feature) IN (SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[])))
                    GROUP BY s.product, s.feature, s.user_id""",
                    List.of(texts(withLimits.stream().map(PoolKey::product).toList()), texts(withLimits.stream().map(PoolKey::feature).toList())),
                    rs -> {
                        PoolKey pool = new PoolKey(rs.getString(1), rs.getString(2));
                        long user = rs.getLong(3);
                        r.seatsOfHolder.computeIfAbsent(pool, k -> new HashMap<>()).put(user, rs.getInt(4));
                        Set<Long> roles = r.roles.computeIfAbsent(user, k -> new HashSet<>());
                        roles.add(allUsersRole);
                        for (Object role : (Object[]) rs.getArray(5).getArray()) {
                            roles.add(((Number) role).longValue());
                        }
                    });
        }
        return r;
    }
}
