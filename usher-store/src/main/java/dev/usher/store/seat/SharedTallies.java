package dev.usher.store.seat;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Charge;
import dev.usher.core.assignment.Rule;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.PoolTally;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The tallies of some pools as a shared database holds them, and what the seats in pools with limit rules count against. */
record SharedTallies(Map<PoolKey, PoolTally> byPool, Map<PoolKey, Assignments> limited, Map<Long, Set<Long>> roles) {
    HeldSeat limited(HeldSeat s) {
        Assignments rules = limited.get(s.pool());
        if (rules == null) {
            return s;
        }
        Set<Integer> limits = rules.limitsCovering(s.userId(), roles.getOrDefault(s.userId(), Set.of()));
        return new HeldSeat(s.id(), s.pool(), s.seatKey(), s.userId(), s.userName(), s.hostKey(), s.createdAt(), s.lingerUntil(),
                s.borrowedUntil(), s.charge(), limits, s.attached());
    }


    /**
     * Seats in use from the pool's counter. Pools with rules also count their seats per charge (a read
     * of the pool's seats: the price of reserves on a shared store), and per limit rule, whose members'
     * seats are counted as the roles are now.
     */
    static SharedTallies read(Connection c, PoolTermsSource terms, Set<PoolKey> pools, Instant now) throws SQLException {
        Map<PoolKey, PoolTally> out = new HashMap<>();
        if (pools.isEmpty()) {
            return new SharedTallies(out, Map.of(), Map.of());
        }
        List<PoolKey> list = List.copyOf(pools);
        Map<PoolKey, Integer> inUse = new HashMap<>();
        try (PreparedStatement st = c.prepareStatement("""
                SELECT x.p, x.f, COALESCE(pc.in_use, 0)
                FROM unnest(CAST(? AS text[]), CAST(? AS text[])) AS x(p, f)
                LEFT JOIN pool_counters pc ON pc.product = x.p AND pc.feature = x.f""")) {
            st.setArray(1, SharedBookLoader.array(c, "text", list.stream().map(PoolKey::product).toList()));
            st.setArray(2, SharedBookLoader.array(c, "text", list.stream().map(PoolKey::feature).toList()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    inUse.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3));
                }
            }
        }
        Map<PoolKey, Assignments> limited = new HashMap<>();
        Map<Long, Set<Long>> roles = new HashMap<>();
        for (PoolKey pool : list) {
            Assignments rules = terms.terms(pool, now).assignments();
            int n = inUse.getOrDefault(pool, 0);
            if (rules.isEmpty()) {
                // Nobody reads the per-charge numbers of a pool without rules: everything counts as shared.
                out.put(pool, new PoolTally(n, Map.of(), n, Map.of()));
                continue;
            }
            Map<Integer, Integer> perReserve = new HashMap<>();
            int shared = 0;
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT charge, COUNT(*) FROM seats WHERE product = ? AND feature = ? GROUP BY charge")) {
                st.setString(1, pool.product());
                st.setString(2, pool.feature());
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        if (Charge.fromCode(rs.getString(1)) instanceof Charge.Reserve r) {
                            perReserve.merge(r.ruleIndex(), rs.getInt(2), Integer::sum);
                        } else {
                            shared += rs.getInt(2);
                        }
                    }
                }
            }
            Map<Integer, Integer> perLimit = new HashMap<>();
            if (rules.rules().stream().anyMatch(r -> r instanceof Rule.Limit)) {
                limited.put(pool, rules);
                // The holders of the pool's seats with their roles: each seat counts against the limits covering its holder.
                try (PreparedStatement st = c.prepareStatement("""
                        SELECT s.user_id, m.role_id FROM seats s LEFT JOIN role_members m ON m.user_id = s.user_id
                        WHERE s.product = ? AND s.feature = ?""")) {
                    st.setString(1, pool.product());
                    st.setString(2, pool.feature());
                    Map<Long, Integer> seatsOf = new HashMap<>();
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            long user = rs.getLong(1);
                            long role = rs.getLong(2);
                            Set<Long> r = roles.computeIfAbsent(user, k -> new HashSet<>());
                            if (!rs.wasNull()) {
                                r.add(role);
                            }
                        }
                    }
                    try (PreparedStatement count = c.prepareStatement(
                            "SELECT user_id, COUNT(*) FROM seats WHERE product = ? AND feature = ? GROUP BY user_id")) {
                        count.setString(1, pool.product());
                        count.setString(2, pool.feature());
                        try (ResultSet rs = count.executeQuery()) {
                            while (rs.next()) {
                                seatsOf.put(rs.getLong(1), rs.getInt(2));
                            }
                        }
                    }
                    long all = allUsersRole(c);
                    roles.values().forEach(r -> r.add(all));
                    seatsOf.forEach((user, held) -> {
                        for (int i : rules.limitsCovering(user, roles.getOrDefault(user, Set.of(all)))) {
                            perLimit.merge(i, held, Integer::sum);
                        }
                    });
                }
            }
            out.put(pool, new PoolTally(n, perReserve, shared, perLimit));
        }
        return new SharedTallies(out, limited, roles);
    }

    private static long allUsersRole(Connection c) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT id FROM roles WHERE built_in = 'all-users'");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

}
