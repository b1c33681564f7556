package dev.usher.store;

import dev.usher.core.seat.PoolKey;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** What people hold now, read from the live sessions and seats: the hosts they sit at, and seats per user and pool. */
final class SeatHolders {

    private final Database db;

    SeatHolders(Database db) {
        this.db = db;
    }

    Set<String> knownHosts() {
        return db.read(h -> new HashSet<>(h.createQuery("SELECT host_key FROM sessions UNION SELECT host_key FROM seats")
                .mapTo(String.class).list()));
    }

    Map<PoolKey, Map<String, Integer>> seatsPerUser() {
        return db.read(h -> {
            Map<PoolKey, Map<String, Integer>> out = new LinkedHashMap<>();
            h.createQuery("SELECT s.product, s.feature, u.name, COUNT(*) FROM seats s JOIN users u ON u.id = s.user_id GROUP BY s.product, s.feature, u.name")
                    .map((rs, ctx) -> out.computeIfAbsent(new PoolKey(rs.getString(1), rs.getString(2)), k -> new LinkedHashMap<>())
                            .put(rs.getString(3), rs.getInt(4)))
                    .list();
            return out;
        });
    }
}
