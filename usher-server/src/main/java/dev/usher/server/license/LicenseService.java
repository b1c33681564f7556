package dev.usher.server.license;

import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.inventory.LicenseInventory;
import dev.usher.core.inventory.LicenseRepository;
import dev.usher.core.inventory.RenewalLookalike;
import dev.usher.core.inventory.StoredLicense;
import dev.usher.core.inventory.Supersession;
import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.license.LicenseStatus;
import dev.usher.core.license.LicenseVerifier;
import dev.usher.core.license.RejectionReason;
import dev.usher.core.license.TrustedKeys;
import dev.usher.server.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * The administrator's license inventory. Adding or removing a file takes effect for the very next
 * checkout: the in-memory {@link LicenseInventory} snapshot is swapped right after the change is
 * durable, before the store decides anything else.
 *
 * <p>The trusted vendor keys are part of the snapshot: a key file copied into (or deleted from) a trusted-keys
 * directory takes effect through the same reload, triggered by the {@link TrustedKeyWatcher} within a second, by
 * every add, remove and {@code usher license reload}, and by every listing that finds the files changed. So what
 * {@link #list()} shows is what checkouts are granted from.
 */
public final class LicenseService {

    private static final Logger LOG = LoggerFactory.getLogger(LicenseService.class);

    /**
     * A license file as listed: what it says, whether it can be used, and which renewal retires it (and from when).
     * {@link #code()} is {@code superseded} once that renewal has started, else the status's code.
     */
    public record LicenseEntry(StoredLicense stored, LicenseStatus status, Supersession supersededBy, boolean retired) {
        public String code() {
            return retired ? "superseded" : status.code();
        }
    }

    /**
     * The outcome of adding a file: {@code created} false means the same file was already there; {@code warnings}
     * say what an administrator should know (a file that looks like a renewal but supersedes nothing).
     */
    public record Added(LicenseEntry license, boolean created, List<String> warnings) {}

    /** The keys and the inventory built from them, with the key files' fingerprint at the time. */
    private record Snapshot(TrustedKeys keys, String fingerprint, LicenseInventory inventory) {}

    private final LicenseRepository repository;
    private final TrustedKeyDirectories keyDirs;
    private final String installationId;
    private final Clock clock;
    private final AuditTrail audit;
    private final KeySharing sharing;
    private final TrustedKeyService keys;
    private volatile Snapshot snapshot;

    public LicenseService(LicenseRepository repository, TrustedKeyDirectories keyDirs, String installationId, Clock clock,
                          AuditTrail audit) {
        this(repository, keyDirs, installationId, clock, audit, KeySharing.NONE);
    }

    /**
     * @param sharing runs before every reload reads the key files (several nodes: shares this node's key files
     *                through the database and mirrors the others' into a directory of {@code keyDirs})
     */
    public LicenseService(LicenseRepository repository, TrustedKeyDirectories keyDirs, String installationId, Clock clock,
                          AuditTrail audit, KeySharing sharing) {
        this.audit = audit;
        this.sharing = sharing;
        this.keys = new TrustedKeyService(this, audit);
        this.repository = repository;
        this.keyDirs = keyDirs;
        this.installationId = installationId;
        this.clock = clock;
        this.snapshot = new Snapshot(TrustedKeys.of(), "", LicenseInventory.empty(installationId));
        reload();
    }

    public LicenseInventory inventory() {
        return snapshot.inventory();
    }

    public String installationId() {
        return installationId;
    }

    public TrustedKeyDirectories keyDirectories() {
        return keyDirs;
    }

    KeySharing sharing() {
        return sharing;
    }

    /** The trusted vendor keys as administrators manage them. */
    public TrustedKeyService keys() {
        return keys;
    }

    /**
     * The trusted vendor keys checkouts are granted under (old key files with the products of their installed
     * files). Re-reads the directories first when their files changed; throws
     * {@link TrustedKeyDirectories.TrustedKeysUnreadableException} while a file there is not a key file.
     */
    public TrustedKeys trustedKeys() {
        return fresh().keys();
    }

    /**
     * Verifies and stores a license file. Throws {@link LicenseRejection} (nothing stored) when it is
     * malformed, signed by an unknown key, for a product its key may not license, tampered with, expired or for
     * another installation, and {@link LicenseIdConflictException} when a different file with the same id is installed.
     */
    public Added add(String text) {
        if (text == null || text.isBlank()) {
            throw new LicenseRejection(RejectionReason.MALFORMED, "the license text is empty: paste or upload the whole .lic file");
        }
        LicenseFile file = LicenseFile.parse(text);
        Instant now = clock.instant();
        Snapshot current = fresh();
        LicenseVerifier.verifyForInstall(file, current.keys(), installationId, now);
        List<String> warnings = current.inventory().renewalLookalikes(file.payload(), now).stream()
                .map(RenewalLookalike::warning).toList();
        StoredLicense stored = new StoredLicense(file.payload().id(), file.text(), now);
        LicenseRepository.AddResult result = repository.add(stored, this::reload);
        if (result == LicenseRepository.AddResult.ADDED) {
            LicensePayload p = file.payload();
            audit.record("license-added", stored.id().toString(), p.customer() + ": " + p.entitlements().stream()
                    .map(e -> e.kind().name().toLowerCase(Locale.ROOT) + " " + e.product() + "/" + e.feature()
                            + (e.seats() > 0 ? " x" + e.seats() : "")).toList()
                    + (p.supersedes().isEmpty() ? "" : "; supersedes " + p.supersedes())
                    + (warnings.isEmpty() ? "" : "; warning: " + String.join("; ", warnings)));
        }
        return switch (result) {
            case ADDED -> new Added(find(stored.id()).orElseThrow(), true, warnings);
            case ALREADY_PRESENT -> new Added(find(stored.id()).orElseThrow(), false, List.of());
            case ID_CONFLICT -> throw new LicenseIdConflictException(stored.id());
        };
    }

    /** Removes a license; held seats stay held, new grants wait until in-use is below the new capacity. */
    public boolean remove(UUID id) {
        boolean removed = repository.remove(id, this::reload);
        if (removed) {
            audit.record("license-removed", id.toString(), null);
        }
        return removed;
    }

    public List<LicenseEntry> list() {
        Snapshot s = fresh();
        Instant now = clock.instant();
        return repository.all().stream().map(stored -> {
            LicenseStatus status = LicenseVerifier.status(stored.text(), s.keys(), installationId, now);
            Supersession by = s.inventory().supersession(stored.id()).orElse(null);
            return new LicenseEntry(stored, status, by, by != null && by.retiredAt(now));
        }).toList();
    }

    public Optional<LicenseEntry> find(UUID id) {
        return list().stream().filter(e -> e.stored().id().equals(id)).findFirst();
    }

    /** Reloads when the key files changed since the snapshot was made (the watcher's tick, and every listing). */
    public boolean reloadIfKeysChanged() {
        if (keyDirs.fingerprint().equals(snapshot.fingerprint())) {
            return false;
        }
        reload();
        return true;
    }

    private Snapshot fresh() {
        reloadIfKeysChanged();
        return snapshot;
    }

    /**
     * Rebuilds the snapshot from the key files and the store. A stored file counts when its signature verifies
     * with a trusted key that may license its products, and it is for this installation; expiry is not a reason
     * to drop it, because capacity is computed per instant. Reloads run one at a time, each reading the store
     * inside the lock: a reload that read before a change committed can never overwrite the snapshot of the reload
     * that change triggered. While a key file cannot be read, the previous snapshot keeps serving and this throws.
     */
    public synchronized void reload() {
        sharing.share();
        String fingerprint = keyDirs.fingerprint();
        TrustedKeys files = keyDirs.load();
        List<StoredLicense> stored = repository.all();
        List<LicenseFile> parsed = new ArrayList<>();
        for (StoredLicense s : stored) {
            try {
                parsed.add(LicenseFile.parse(s.text()));
            } catch (LicenseRejection e) {
                parsed.add(null); // shown with its status by list(); it simply does not count
            }
        }
        TrustedKeys keys = files.withProductsOfOldKeys(parsed.stream().filter(java.util.Objects::nonNull).toList());
        Instant now = clock.instant();
        List<InstalledLicense> usable = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            LicenseFile file = parsed.get(i);
            if (file != null && counts(LicenseVerifier.status(file, keys, installationId, now))) {
                StoredLicense s = stored.get(i);
                usable.add(new InstalledLicense(s.id(), s.text(), file.payload(), s.addedAt(), file.keyId()));
            }
        }
        Snapshot before = snapshot;
        snapshot = new Snapshot(keys, fingerprint, new LicenseInventory(usable, installationId));
        if (before.fingerprint().equals(fingerprint)) {
            return; // the keys were said already
        }
        if (!before.fingerprint().isEmpty()) {
            LOG.info("trusted vendor keys changed: now {} ({} of {} license files count)", keys.keyIds(), usable.size(), stored.size());
        }
        keys.keys().stream().filter(k -> k.oldFormat()).forEach(k -> LOG.warn("trusted key {} ({}) is an old key file that names no"
                + " vendor and products: it licenses only the products of its installed files ({}); ask the vendor for its new key file",
                k.keyId(), k.file(), k.productList()));
        keys.conflicts().forEach(c -> LOG.warn("trusted keys: {}", c));
    }

    /** Usable now or later: a genuine file whose time has not come, or has passed, still belongs to the inventory. */
    private static boolean counts(LicenseStatus status) {
        return status.valid() || status.reason() == RejectionReason.EXPIRED || status.reason() == RejectionReason.NOT_YET_VALID;
    }

    /** The installed files signed by key {@code keyId} (any status): what removing the key would affect. */
    public List<LicenseEntry> signedBy(String keyId) {
        return list().stream().filter(e -> keyId.equals(e.status().keyId())).toList();
    }

    /** "server cad, 25 seats cad/cal": a license's entitlements in one line. */
    public static String summary(LicensePayload p) {
        List<String> parts = new ArrayList<>();
        for (Entitlement x : p.entitlements()) {
            parts.add(x.kind() == dev.usher.core.license.EntitlementKind.SERVER ? "server " + x.product()
                    : x.seats() + " " + x.product() + "/" + x.feature() + " seats");
        }
        return String.join(", ", parts);
    }

    /** A different license file with an id that is already installed. */
    public static final class LicenseIdConflictException extends RuntimeException {
        public LicenseIdConflictException(UUID id) {
            super("a different license with id " + id + " is already installed; remove it first if this file replaces it");
        }
    }
}
