package dev.usher.server.seat;

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

    public PoolCatalog(LicenseService licenses, SettingsRepository settings) {
        this.licenses = licenses;
        this.settings = settings;
        this.poolSettings = new AtomicReference<>(Map.copyOf(settings.poolSettings()));
    }

    @Override
    public PoolTerms terms(PoolKey pool, Instant now) {
        return licenses.inventory().terms(pool, now, settingsOf(pool));
    }

    public PoolSettings settingsOf(PoolKey pool) {
        return poolSettings.get().getOrDefault(pool, PoolSettings.DEFAULT);
    }

    public void save(PoolKey pool, PoolSettings s) {
        settings.savePoolSettings(pool, s, () -> poolSettings.set(Map.copyOf(settings.poolSettings())));
    }

    public List<PoolSummary> summaries(Instant now) {
        return licenses.inventory().pools(now);
    }

    public String installationId() {
        return licenses.installationId();
    }
}
