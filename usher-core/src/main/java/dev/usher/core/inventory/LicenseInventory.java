package dev.usher.core.inventory;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

/**
 * An immutable snapshot of the installed licenses. Capacity is always computed for an instant, never
 * stored: an entitlement that starts or expires changes what the pool serves at that very instant,
 * without an admin action or a restart.
 */
public final class LicenseInventory {

    private final List<InstalledLicense> licenses;
    private final List<Entitlement> entitlements;
    private final String installationId;

    public LicenseInventory(List<InstalledLicense> licenses, String installationId) {
        this.licenses = List.copyOf(licenses);
        this.entitlements = this.licenses.stream().flatMap(l -> l.payload().entitlements().stream()).toList();
        this.installationId = installationId;
    }

    public static LicenseInventory empty(String installationId) {
        return new LicenseInventory(List.of(), installationId);
    }

    public List<InstalledLicense> licenses() {
        return licenses;
    }

    public String installationId() {
        return installationId;
    }

    public Optional<InstalledLicense> find(UUID id) {
        return licenses.stream().filter(l -> l.id().equals(id)).findFirst();
    }

    public LicenseInventory with(InstalledLicense license) {
        List<InstalledLicense> next = new ArrayList<>(licenses.size() + 1);
        licenses.stream().filter(l -> !l.id().equals(license.id())).forEach(next::add);
        next.add(license);
        return new LicenseInventory(next, installationId);
    }

    public LicenseInventory without(UUID id) {
        return new LicenseInventory(licenses.stream().filter(l -> !l.id().equals(id)).toList(), installationId);
    }

    /** The terms a checkout of {@code pool} is decided under at {@code now}. */
    public PoolTerms terms(PoolKey pool, Instant now, PoolSettings settings) {
        boolean known = false;
        int capacity = 0;
        for (Entitlement e : entitlements()) {
            if (e.kind() == EntitlementKind.SEATS && e.product().equals(pool.product()) && e.feature().equals(pool.feature())) {
                known = true;
                if (e.activeAt(now)) {
                    capacity = saturatedAdd(capacity, e.seats());
                }
            }
        }
        return new PoolTerms(pool, known, serverLicensed(pool.product(), now), capacity, settings, installationId);
    }

    public boolean serverLicensed(String product, Instant now) {
        return entitlements().stream().anyMatch(e -> isValidServer(e, product, now));
    }

    /** Every pool any installed license mentions, in product/feature order. */
    public List<PoolSummary> pools(Instant now) {
        TreeSet<PoolKey> keys = new TreeSet<>();
        for (Entitlement e : entitlements()) {
            if (e.kind() == EntitlementKind.SEATS) {
                keys.add(new PoolKey(e.product(), e.feature()));
            }
        }
        List<PoolSummary> out = new ArrayList<>();
        for (PoolKey key : keys) {
            List<Entitlement> parts = entitlements().stream()
                    .filter(e -> e.kind() == EntitlementKind.SEATS && e.product().equals(key.product()) && e.feature().equals(key.feature()))
                    .toList();
            int capacity = parts.stream().filter(e -> e.activeAt(now)).mapToInt(Entitlement::seats).reduce(0, LicenseInventory::saturatedAdd);
            Instant nextExpiry = earliest(parts.stream().filter(e -> e.activeAt(now)).map(Entitlement::expires).toList());
            Instant nextStart = earliest(parts.stream().filter(e -> e.starts().isAfter(now)).map(Entitlement::starts).toList());
            List<Entitlement> servers = entitlements().stream().filter(e -> isValidServer(e, key.product(), now)).toList();
            Instant serverExpires = servers.stream().anyMatch(e -> e.expires() == null) ? null
                    : servers.stream().map(Entitlement::expires).max(Comparator.naturalOrder()).orElse(null);
            out.add(new PoolSummary(key, capacity, nextExpiry, nextStart, !servers.isEmpty(), serverExpires));
        }
        return out;
    }

    /** Licenses by id, for lookups by the API. */
    public Map<UUID, InstalledLicense> byId() {
        return licenses.stream().collect(java.util.stream.Collectors.toMap(InstalledLicense::id, Function.identity()));
    }

    private boolean isValidServer(Entitlement e, String product, Instant now) {
        return e.kind() == EntitlementKind.SERVER && e.product().equals(product) && e.activeAt(now)
                && (e.installationId() == null || e.installationId().equals(installationId));
    }

    private List<Entitlement> entitlements() {
        return entitlements;
    }

    private static Instant earliest(List<Instant> instants) {
        return instants.stream().filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
    }

    private static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }
}
