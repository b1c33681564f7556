package dev.usher.core.inventory;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.PoolTerms;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An immutable snapshot of the installed licenses. Capacity is always computed for an instant, never
 * stored: an entitlement that starts or expires changes what the pool serves at that very instant,
 * without an admin action or a restart.
 *
 * <p>A renewal names the files it renews ({@code supersedes}); from its first start, those files count for
 * nothing (see {@link Supersession}). Only files signed by the same key can be superseded: one vendor cannot
 * retire another's licenses.
 */
public final class LicenseInventory {

    private final List<InstalledLicense> licenses;
    private final String installationId;
    private final Map<UUID, Supersession> supersessions;

    public LicenseInventory(List<InstalledLicense> licenses, String installationId) {
        this.licenses = List.copyOf(licenses);
        this.installationId = installationId;
        this.supersessions = supersessions(this.licenses);
    }

    public static LicenseInventory empty(String installationId) {
        return new LicenseInventory(List.of(), installationId);
    }

    private static Map<UUID, Supersession> supersessions(List<InstalledLicense> licenses) {
        Map<UUID, InstalledLicense> byId = licenses.stream().collect(Collectors.toMap(InstalledLicense::id, Function.identity(), (a, b) -> a));
        Map<UUID, Supersession> out = new HashMap<>();
        for (InstalledLicense renewal : licenses) {
            Instant from = renewal.payload().firstStart();
            for (UUID old : renewal.payload().supersedes()) {
                InstalledLicense target = byId.get(old);
                if (target == null || !target.keyId().equals(renewal.keyId())) {
                    continue;
                }
                // Named by two renewals: the earlier start retires it.
                out.merge(old, new Supersession(renewal.id(), from), (a, b) -> a.from().isAfter(b.from()) ? b : a);
            }
        }
        return Map.copyOf(out);
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

    /** Which installed renewal supersedes license {@code id}, and from when; empty when none does. */
    public Optional<Supersession> supersession(UUID id) {
        return Optional.ofNullable(supersessions.get(id));
    }

    /** True when a renewal has retired license {@code id} at {@code now}: its entitlements count for nothing. */
    public boolean retiredAt(UUID id, Instant now) {
        Supersession s = supersessions.get(id);
        return s != null && s.retiredAt(now);
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
        for (InstalledLicense l : licenses) {
            boolean counts = !retiredAt(l.id(), now);
            for (Entitlement e : l.payload().entitlements()) {
                if (isSeatsOf(e, pool)) {
                    known = true;
                    if (counts && e.activeAt(now)) {
                        capacity = saturatedAdd(capacity, e.seats());
                    }
                }
            }
        }
        return new PoolTerms(pool, known, serverLicensed(pool.product(), now), capacity, settings, installationId);
    }

    public boolean serverLicensed(String product, Instant now) {
        return counting(now).anyMatch(e -> isValidServer(e, product, now));
    }

    /** Every pool any installed license mentions, in product/feature order. */
    public List<PoolSummary> pools(Instant now) {
        TreeSet<PoolKey> keys = new TreeSet<>();
        licenses.forEach(l -> l.payload().entitlements().stream().filter(e -> e.kind() == EntitlementKind.SEATS)
                .forEach(e -> keys.add(new PoolKey(e.product(), e.feature()))));
        List<PoolSummary> out = new ArrayList<>();
        for (PoolKey key : keys) {
            List<Entitlement> parts = counting(now).filter(e -> isSeatsOf(e, key)).toList();
            int capacity = parts.stream().filter(e -> e.activeAt(now)).mapToInt(Entitlement::seats).reduce(0, LicenseInventory::saturatedAdd);
            Instant nextExpiry = earliest(parts.stream().filter(e -> e.activeAt(now)).map(Entitlement::expires).toList());
            Instant nextStart = earliest(parts.stream().filter(e -> e.starts().isAfter(now)).map(Entitlement::starts).toList());
            List<Entitlement> servers = counting(now).filter(e -> isValidServer(e, key.product(), now)).toList();
            Instant serverExpires = servers.stream().anyMatch(e -> e.expires() == null) ? null
                    : servers.stream().map(Entitlement::expires).max(Comparator.naturalOrder()).orElse(null);
            out.add(new PoolSummary(key, capacity, nextExpiry, nextStart, !servers.isEmpty(), serverExpires));
        }
        return out;
    }

    /**
     * The licenses that back {@code pool} at {@code now}: those whose seats of the pool are counted, and those whose
     * server entitlement lets this installation serve the product. Their signed texts go to the client with every
     * checkout, so a vendor's application can check that its seat comes from a file its vendor signed.
     */
    public List<InstalledLicense> backing(PoolKey pool, Instant now) {
        return licenses.stream()
                .filter(l -> !retiredAt(l.id(), now))
                .filter(l -> l.payload().entitlements().stream()
                        .anyMatch(e -> isSeatsOf(e, pool) && e.activeAt(now) || isValidServer(e, pool.product(), now)))
                .toList();
    }

    /**
     * The installed licenses that {@code incoming} (not installed yet) looks like a renewal of, per pool: the same
     * customer, product and feature, dates overlapping, and no {@code supersedes}. Added as it is, it would add its
     * seats to theirs; the warning says by how much.
     */
    public List<RenewalLookalike> renewalLookalikes(LicensePayload incoming, Instant now) {
        if (!incoming.supersedes().isEmpty()) {
            return List.of();
        }
        Map<PoolKey, List<Entitlement>> incomingByPool = new LinkedHashMap<>();
        incoming.entitlements().stream().filter(e -> e.kind() == EntitlementKind.SEATS)
                .forEach(e -> incomingByPool.computeIfAbsent(new PoolKey(e.product(), e.feature()), k -> new ArrayList<>()).add(e));
        List<RenewalLookalike> out = new ArrayList<>();
        incomingByPool.forEach((pool, parts) -> {
            List<UUID> renewed = licenses.stream()
                    .filter(l -> !l.id().equals(incoming.id()) && !retiredAt(l.id(), now))
                    .filter(l -> sameCustomer(l.payload().customer(), incoming.customer()))
                    .filter(l -> l.payload().entitlements().stream().anyMatch(e -> isSeatsOf(e, pool)
                            && !e.expiredAt(now) && parts.stream().anyMatch(p -> overlap(p, e))))
                    .map(InstalledLicense::id).toList();
            if (!renewed.isEmpty()) {
                // Counted when the new file starts (or now, if it has): the moment the two would stack.
                Instant when = parts.stream().map(Entitlement::starts).filter(now::isBefore).min(Comparator.naturalOrder()).orElse(now);
                int adds = parts.stream().filter(e -> e.activeAt(when)).mapToInt(Entitlement::seats).reduce(0, LicenseInventory::saturatedAdd);
                int before = terms(pool, when, PoolSettings.DEFAULT).capacity();
                out.add(new RenewalLookalike(pool, adds, before, renewed));
            }
        });
        return out;
    }

    private static boolean sameCustomer(String a, String b) {
        return a.strip().toLowerCase(Locale.ROOT).equals(b.strip().toLowerCase(Locale.ROOT));
    }

    /** True when the two validity periods share an instant. */
    private static boolean overlap(Entitlement a, Entitlement b) {
        boolean aEndsAfterBStarts = a.expires() == null || a.expires().isAfter(b.starts());
        boolean bEndsAfterAStarts = b.expires() == null || b.expires().isAfter(a.starts());
        return aEndsAfterBStarts && bEndsAfterAStarts;
    }

    /** Licenses by id, for lookups by the API. */
    public Map<UUID, InstalledLicense> byId() {
        return licenses.stream().collect(Collectors.toMap(InstalledLicense::id, Function.identity()));
    }

    private java.util.stream.Stream<Entitlement> counting(Instant now) {
        return licenses.stream().filter(l -> !retiredAt(l.id(), now)).flatMap(l -> l.payload().entitlements().stream());
    }

    private static boolean isSeatsOf(Entitlement e, PoolKey pool) {
        return e.kind() == EntitlementKind.SEATS && e.product().equals(pool.product()) && e.feature().equals(pool.feature());
    }

    private boolean isValidServer(Entitlement e, String product, Instant now) {
        return e.kind() == EntitlementKind.SERVER && e.product().equals(product) && e.activeAt(now)
                && (e.installationId() == null || e.installationId().equals(installationId));
    }

    private static Instant earliest(List<Instant> instants) {
        return instants.stream().filter(Objects::nonNull).min(Comparator.naturalOrder()).orElse(null);
    }

    private static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
    }
}
