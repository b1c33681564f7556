package dev.usher.store;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.BorrowPolicy;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.store.SettingsRepository;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Key/value settings and per-pool settings. */
public final class SqlSettingsRepository implements SettingsRepository {

    private final Database db;

    public SqlSettingsRepository(Database db) {
        this.db = db;
    }

    @Override
    public Optional<String> get(String key) {
        return db.read(h -> h.createQuery("SELECT value FROM settings WHERE key = :k").bind("k", key)
                .mapTo(String.class).findOne());
    }

    @Override
    public void put(String key, String value) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO settings (key, value) VALUES (:k, :v)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value""")
                .bind("k", key).bind("v", value).execute());
    }

    @Override
    public void remove(String key) {
        db.write((h, after) -> h.createUpdate("DELETE FROM settings WHERE key = :k").bind("k", key).execute());
    }

    @Override
    public String putIfAbsent(String key, String value) {
        return db.write((h, after) -> {
            h.createUpdate("INSERT INTO settings (key, value) VALUES (:k, :v) ON CONFLICT (key) DO NOTHING")
                    .bind("k", key).bind("v", value).execute();
            return h.createQuery("SELECT value FROM settings WHERE key = :k").bind("k", key).mapTo(String.class).one();
        });
    }

    @Override
    public Map<PoolKey, PoolSettings> poolSettings() {
        return db.read(h -> {
            Map<PoolKey, PoolSettings> out = new LinkedHashMap<>();
            h.createQuery("""
                            SELECT product, feature, seat_key_policy, linger_seconds, borrow_allowed, borrow_max_days, borrow_floor
                            FROM pool_settings""")
                    .map((rs, ctx) -> out.put(new PoolKey(rs.getString(1), rs.getString(2)),
                            new PoolSettings(SeatKeyPolicy.fromCode(rs.getString(3)), Duration.ofSeconds(rs.getLong(4)),
                                    new BorrowPolicy(rs.getInt(5) == 1, rs.getInt(6), rs.getInt(7)))))
                    .list();
            return out;
        });
    }

    @Override
    public void savePoolSettings(PoolKey pool, PoolSettings settings, Runnable afterCommit) {
        db.write((h, after) -> {
            h.createUpdate("""
                            INSERT INTO pool_settings (product, feature, seat_key_policy, linger_seconds,
                                                       borrow_allowed, borrow_max_days, borrow_floor)
                            VALUES (:p, :f, :pol, :l, :ba, :bd, :bf)
                            ON CONFLICT (product, feature) DO UPDATE SET seat_key_policy = excluded.seat_key_policy,
                              linger_seconds = excluded.linger_seconds, borrow_allowed = excluded.borrow_allowed,
                              borrow_max_days = excluded.borrow_max_days, borrow_floor = excluded.borrow_floor""")
                    .bind("p", pool.product()).bind("f", pool.feature())
                    .bind("pol", settings.policy().code()).bind("l", settings.linger().toSeconds())
                    .bind("ba", settings.borrow().allowed() ? 1 : 0).bind("bd", settings.borrow().maxDays())
                    .bind("bf", settings.borrow().floor())
                    .execute();
            after.then(afterCommit);
            return null;
        });
    }

    @Override
    public Map<PoolKey, StoredRules> poolRules() {
        return db.read(h -> {
            Map<PoolKey, StoredRules> out = new LinkedHashMap<>();
            h.createQuery("SELECT product, feature, rules_json, version FROM pool_rules")
                    .map((rs, ctx) -> out.put(new PoolKey(rs.getString(1), rs.getString(2)), new StoredRules(rs.getString(3), rs.getLong(4))))
                    .list();
            return out;
        });
    }

    @Override
    public long saveRules(PoolKey pool, String json, long expectedVersion, Runnable afterCommit) {
        return db.write((h, after) -> {
            long current = h.createQuery("SELECT version FROM pool_rules WHERE product = :p AND feature = :f")
                    .bind("p", pool.product()).bind("f", pool.feature()).mapTo(Long.class).findOne().orElse(0L);
            if (current != expectedVersion) {
                return -1L;
            }
            h.createUpdate("""
                            INSERT INTO pool_rules (product, feature, rules_json, version) VALUES (:p, :f, :j, :v)
                            ON CONFLICT (product, feature) DO UPDATE SET rules_json = excluded.rules_json, version = excluded.version""")
                    .bind("p", pool.product()).bind("f", pool.feature()).bind("j", json).bind("v", current + 1).execute();
            after.then(afterCommit);
            return current + 1;
        });
    }
}
