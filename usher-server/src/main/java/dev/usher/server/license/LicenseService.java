package dev.usher.server.license;

import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.inventory.LicenseInventory;
import dev.usher.core.inventory.LicenseRepository;
import dev.usher.core.inventory.StoredLicense;
import dev.usher.core.license.LicenseFile;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.license.LicenseStatus;
import dev.usher.core.license.LicenseVerifier;
import dev.usher.core.license.RejectionReason;
import dev.usher.core.license.TrustedKeys;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The administrator's license inventory. Adding or removing a file takes effect for the very next
 * checkout: the in-memory {@link LicenseInventory} snapshot is swapped right after the change is
 * durable, before the store decides anything else.
 *
 * <p>Trusted vendor keys are read from their directories on every add and reload, so dropping a key
 * file into {@code DATA/trusted-keys/} needs no restart either.
 */
public final class LicenseService {

    /** A license file as listed: what it says and whether it can be used. */
    public record LicenseEntry(StoredLicense stored, LicenseStatus status) {}

    /** The outcome of adding a file: {@code created} false means the same file was already there. */
    public record Added(LicenseEntry license, boolean created) {}

    private final LicenseRepository repository;
    private final List<Path> trustedKeyDirs;
    private final String installationId;
    private final Clock clock;
    private final AtomicReference<LicenseInventory> inventory;
    private final dev.usher.server.report.AuditTrail audit;

    public LicenseService(LicenseRepository repository, List<Path> trustedKeyDirs, String installationId, Clock clock) {
        this(repository, trustedKeyDirs, installationId, clock, dev.usher.server.report.AuditTrail.NONE);
    }

    /** With {@code audit}: every file added or removed is recorded with who did it. */
    public LicenseService(LicenseRepository repository, List<Path> trustedKeyDirs, String installationId, Clock clock,
                          dev.usher.server.report.AuditTrail audit) {
        this.audit = audit;
        this.repository = repository;
        this.trustedKeyDirs = List.copyOf(trustedKeyDirs);
        this.installationId = installationId;
        this.clock = clock;
        this.inventory = new AtomicReference<>(LicenseInventory.empty(installationId));
        reload();
    }

    public LicenseInventory inventory() {
        return inventory.get();
    }

    public String installationId() {
        return installationId;
    }

    /**
     * The trusted vendor keys as the directories hold them now. A file there that is not a public key
     * fails every verification (rather than being skipped, which would turn into puzzling "unknown key"
     * refusals): {@link TrustedKeysUnreadableException}, naming the file.
     */
    public TrustedKeys trustedKeys() {
        TrustedKeys keys = TrustedKeys.of();
        for (Path dir : trustedKeyDirs) {
            try {
                keys = keys.withAll(TrustedKeys.loadDirectory(dir));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new TrustedKeysUnreadableException(e.getMessage(), e);
            }
        }
        return keys;
    }

    /**
     * Verifies and stores a license file. Throws {@link LicenseRejection} (nothing stored) when it is
     * malformed, signed by an unknown key, tampered with, expired or for another installation, and
     * {@link LicenseIdConflictException} when a different file with the same id is installed.
     */
    public Added add(String text) {
        if (text == null || text.isBlank()) {
            throw new LicenseRejection(RejectionReason.MALFORMED, "the license text is empty: paste or upload the whole .lic file");
        }
        LicenseFile file = LicenseFile.parse(text);
        Instant now = clock.instant();
        LicenseVerifier.verifyForInstall(file, trustedKeys(), installationId, now);
        StoredLicense stored = new StoredLicense(file.payload().id(), file.text(), now);
        LicenseRepository.AddResult result = repository.add(stored, this::reload);
        if (result == LicenseRepository.AddResult.ADDED) {
            audit.record("license-added", stored.id().toString(), file.payload().customer() + ": "
                    + file.payload().entitlements().stream().map(e -> e.kind().name().toLowerCase(java.util.Locale.ROOT) + " "
                    + e.product() + "/" + e.feature() + (e.seats() > 0 ? " x" + e.seats() : "")).toList());
        }
        return switch (result) {
            case ADDED -> new Added(find(stored.id()).orElseThrow(), true);
            case ALREADY_PRESENT -> new Added(find(stored.id()).orElseThrow(), false);
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
        TrustedKeys keys = trustedKeys();
        Instant now = clock.instant();
        return repository.all().stream()
                .map(s -> new LicenseEntry(s, LicenseVerifier.status(s.text(), keys, installationId, now)))
                .toList();
    }

    public Optional<LicenseEntry> find(UUID id) {
        return list().stream().filter(e -> e.stored().id().equals(id)).findFirst();
    }

    /**
     * Rebuilds the snapshot from the store. A stored file counts when its signature still verifies
     * with a trusted key; expiry is not a reason to drop it, because capacity is computed per instant.
     * Reloads run one at a time, each reading the store inside the lock: a reload that read before a
     * change committed can never overwrite the snapshot of the reload that change triggered.
     */
    public synchronized void reload() {
        TrustedKeys keys = trustedKeys();
        List<InstalledLicense> usable = new ArrayList<>();
        for (StoredLicense s : repository.all()) {
            try {
                LicenseFile file = LicenseFile.parse(s.text());
                var payload = LicenseVerifier.verifySignature(file, keys);
                if (payload.entitlements().stream().noneMatch(e -> e.boundToOtherThan(installationId))) {
                    usable.add(new InstalledLicense(s.id(), s.text(), payload, s.addedAt()));
                }
            } catch (LicenseRejection e) {
                // shown with its status by list(); it simply does not count
            }
        }
        inventory.set(new LicenseInventory(usable, installationId));
    }

    /** A trusted-keys directory holds a file that is not a vendor public key, or cannot be read: a server problem. */
    public static final class TrustedKeysUnreadableException extends IllegalStateException {
        public TrustedKeysUnreadableException(String problem, Throwable cause) {
            super("cannot read the trusted vendor keys: " + problem
                    + " (every *.pub file in a trusted-keys directory must be a vendor public key: fix or remove it)", cause);
        }
    }

    /** A different license file with an id that is already installed. */
    public static final class LicenseIdConflictException extends RuntimeException {
        public LicenseIdConflictException(UUID id) {
            super("a different license with id " + id + " is already installed; remove it first if this file replaces it");
        }
    }
}
