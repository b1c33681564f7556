package dev.usher.server.seat;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.inventory.PoolSummary;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;
import dev.usher.core.seat.PoolTermsSource;
import dev.usher.core.store.SettingsRepository;
import dev.usher.server.license.LicenseService;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pools as checkouts see them: capacity from the license inventory at the instant of the
 * decision, and the administrator's per-pool settings. Both are in-memory snapshots replaced after
 * each durable change, so deciding a checkout reads no license or settings row.
 */
public final class PoolCatalog implements PoolTermsSource {

    private final LicenseService licenses;
    private final SettingsRepository settings;
    private final AtomicReference<Map<PoolKey, PoolSettings>> poolSettings;
    private final AtomicReference<Map<PoolKey, Rules>> rules = new AtomicReference<>(Map.of());

    /** A pool's rules: as shown and stored, in the engine's form, and their version (the ETag). */
    public record Rules(RuleSetCodec.RuleSetJson json, Assignments assignments, long version) {
        static final Rules NONE = new Rules(new RuleSetCodec.RuleSetJson(java.util.List.of()), Assignments.NONE, 0);
    }

    public PoolCatalog(LicenseService licenses, SettingsRepository settings) {
        this.licenses = licenses;
        this.settings = settings;
        this.poolSettings = new AtomicReference<>(Map.copyOf(settings.poolSettings()));
        reloadRules();
    }

    /** Reads settings and rules again (another node changed them). */
    public synchronized void reload() {
        reloadSettings();
        reloadRules();
    }

    // Synchronized, reading inside the lock: a reload that read before a change committed never
    // overwrites the snapshot of the reload that change triggered (another node's tick vs. our own save).
    private synchronized void reloadSettings() {
        poolSettings.set(Map.copyOf(settings.poolSettings()));
    }

    private synchronized void reloadRules() {
        Map<PoolKey, Rules> next = new java.util.HashMap<>();
        settings.poolRules().forEach((pool, stored) -> {
            RuleSetCodec.RuleSetJson json = RuleSetCodec.read(stored.json());
            next.put(pool, new Rules(json, RuleSetCodec.toAssignments(json), stored.version()));
        });
        rules.set(Map.copyOf(next));
    }

    @Override
    public PoolTerms terms(PoolKey pool, Instant now) {
        return licenses.inventory().terms(pool, now, settingsOf(pool)).withAssignments(rulesOf(pool).assignments());
    }

    public Rules rulesOf(PoolKey pool) {
        return rules.get().getOrDefault(pool, Rules.NONE);
    }

    /** Saves resolved rules if nobody else saved since {@code expectedVersion}; returns the new version or -1. */
    public long saveRules(PoolKey pool, RuleSetCodec.RuleSetJson resolved, long expectedVersion) {
        return settings.saveRules(pool, RuleSetCodec.write(resolved), expectedVersion, this::reloadRules);
    }

    public PoolSettings settingsOf(PoolKey pool) {
        return poolSettings.get().getOrDefault(pool, PoolSettings.DEFAULT);
    }

    public void save(PoolKey pool, PoolSettings s) {
        settings.savePoolSettings(pool, s, this::reloadSettings);
    }

    public List<PoolSummary> summaries(Instant now) {
        return licenses.inventory().pools(now);
    }

    public String installationId() {
        return licenses.installationId();
    }
}
