package dev.usher.core.store;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;

import java.util.Map;
import java.util.Optional;

/** Small durable settings: the installation's identity, secrets' hashes, per-pool choices. */
public interface SettingsRepository {

    Optional<String> get(String key);

    void put(String key, String value);

    /** Forgets a key's value (nothing happens when it has none). */
    void remove(String key);

    /** Stores {@code value} unless the key has one; returns the value now stored. */
    String putIfAbsent(String key, String value);

    Map<PoolKey, PoolSettings> poolSettings();

    /** {@code afterCommit} runs once durable, before any later write is decided. */
    void savePoolSettings(PoolKey pool, PoolSettings settings, Runnable afterCommit);

    /** A pool's assignment rules as stored (JSON) and their version (0: none saved yet). */
    record StoredRules(String json, long version) {}

    Map<PoolKey, StoredRules> poolRules();

    /**
     * Saves a pool's rules if their stored version is still {@code expectedVersion}; returns the new
     * version, or -1 when someone else saved in between (nothing written).
     */
    long saveRules(PoolKey pool, String json, long expectedVersion, Runnable afterCommit);
}
