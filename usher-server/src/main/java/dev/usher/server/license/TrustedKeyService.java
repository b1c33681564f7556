package dev.usher.server.license;

import dev.usher.core.license.TrustedKey;
import dev.usher.core.license.TrustedKeys;
import dev.usher.core.license.VendorKeyFile;
import dev.usher.server.audit.AuditTrail;

import java.util.List;
import java.util.Optional;

/**
 * Trusted vendor keys as administrators manage them through the API, the CLI and the console: list them with the
 * products each may license, add a vendor's key file, remove one. Adding writes the file into
 * {@code DATA/trusted-keys/} and removing deletes it, so the directory stays the one truth (a key copied in by
 * hand is listed and removable the same way).
 *
 * <p>A product belongs to one key. Adding a key that claims a product another trusted key claims is refused
 * ({@link KeyConflictException}), since only one of them can be the vendor's; a file copied in by hand cannot be
 * refused, so the listing shows the conflict and neither key licenses that product until one goes.
 */
public final class TrustedKeyService {

    /** A trusted key as listed: the key, the installed files it signed, and what is wrong with it, if anything. */
    public record KeyEntry(TrustedKey key, int licenses, List<String> warnings) {}

    /** The outcome of adding a key file: {@code created} false means this exact key was already trusted. */
    public record AddedKey(KeyEntry key, boolean created) {}

    private final LicenseService licenses;
    private final AuditTrail audit;

    public TrustedKeyService(LicenseService licenses, AuditTrail audit) {
        this.licenses = licenses;
        this.audit = audit;
    }

    public List<KeyEntry> list() {
        TrustedKeys keys = licenses.trustedKeys();
        return keys.keys().stream().map(k -> entry(keys, k)).toList();
    }

    public Optional<KeyEntry> find(String keyId) {
        TrustedKeys keys = licenses.trustedKeys();
        return keys.key(keyId).map(k -> entry(keys, k));
    }

    private KeyEntry entry(TrustedKeys keys, TrustedKey k) {
        List<String> warnings = new java.util.ArrayList<>();
        if (k.oldFormat()) {
            warnings.add("old key file: it names no vendor and no products, so it licenses only the products of the files it"
                    + " signed that are installed (" + k.productList() + "); ask the vendor for its key file naming its products"
                    + " and add it in place of this one");
        }
        if (k.products().stream().anyMatch(c -> c.pattern().equals("*"))) {
            warnings.add("this key may license ANY product: only a vendor's own test server should trust such a key");
        }
        keys.keys().stream().filter(o -> !o.keyId().equals(k.keyId()) && !k.overlapsWith(o).isEmpty())
                .forEach(o -> warnings.add(TrustedKeys.conflict(k, o, k.overlapsWith(o))));
        return new KeyEntry(k, licenses.signedBy(k.keyId()).size(), List.copyOf(warnings));
    }

    /**
     * Trusts the vendor key file {@code text}. Throws {@link InvalidKeyException} for a file that is not a key
     * file naming its vendor and products, and {@link KeyConflictException} when it claims another key's product.
     */
    public AddedKey add(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidKeyException("the key file is empty: upload or paste the vendor's whole .pub file");
        }
        TrustedKey key;
        try {
            key = VendorKeyFile.parse(text, "the key file");
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException(e.getMessage());
        }
        if (key.oldFormat()) {
            throw new InvalidKeyException("key " + key.keyId() + " names no vendor and no products (an old key file): ask the vendor for"
                    + " its key file with 'Vendor:' and 'Products:' lines (usher vendor pubkey writes one from the vendor's key)");
        }
        TrustedKeys keys = licenses.trustedKeys();
        Optional<TrustedKey> existing = keys.key(key.keyId());
        if (existing.isPresent() && !existing.get().oldFormat() && existing.get().vendor().equals(key.vendor())
                && existing.get().products().equals(key.products())) {
            return new AddedKey(entry(keys, existing.get()), false);
        }
        List<TrustedKey> others = keys.claimedElsewhere(key);
        if (!others.isEmpty()) {
            TrustedKey other = others.getFirst();
            throw new KeyConflictException("key " + key.keyId() + " of vendor " + key.vendorName() + " claims "
                    + String.join(", ", key.overlapsWith(other).stream().map(c -> c.pattern()).toList()) + ", which key "
                    + other.keyId() + " of vendor " + other.vendorName() + " already licenses: a product belongs to one key."
                    + " If this is the vendor's new key, remove key " + other.keyId() + " first");
        }
        java.nio.file.Path replacing = existing.map(TrustedKey::file).orElse(null);
        if (replacing != null && !licenses.keyDirectories().writable().equals(replacing.getParent())) {
            throw new KeyConflictException("key " + key.keyId() + " is trusted from " + replacing + ", outside the data directory:"
                    + " change that file instead");
        }
        licenses.keyDirectories().write(key, text.strip() + "\n", replacing);
        licenses.reload();
        audit.record("trusted-key-added", key.keyId(), "vendor " + key.vendorName() + "; may license " + key.productList()
                + (existing.isPresent() ? "; replaces the key file that " + (existing.get().oldFormat() ? "named no products"
                : "named " + existing.get().productList()) : ""));
        TrustedKeys after = licenses.trustedKeys();
        return new AddedKey(entry(after, after.key(key.keyId()).orElseThrow()), true);
    }

    /**
     * Stops trusting a key: deletes its file. Its licenses stop counting at once; seats held now stay held (new
     * grants wait until in-use is below the new capacity). Empty when no such key is trusted.
     */
    public Optional<KeyEntry> remove(String keyId) {
        TrustedKeys keys = licenses.trustedKeys();
        Optional<TrustedKey> key = keys.key(keyId);
        if (key.isEmpty()) {
            return Optional.empty();
        }
        KeyEntry before = entry(keys, key.get());
        try {
            licenses.keyDirectories().delete(keyId);
        } catch (java.io.UncheckedIOException e) {
            throw new KeyConflictException(e.getMessage()); // a --trusted-keys directory the server may not write: one sentence
        }
        licenses.sharing().removed(keyId);
        licenses.reload();
        audit.record("trusted-key-removed", keyId, "vendor " + key.get().vendorName() + "; licensed " + key.get().productList()
                + "; " + before.licenses() + " installed license file(s) stop counting");
        return Optional.of(before);
    }

    /** A key file that cannot be trusted as it is (422 invalid-key). */
    public static final class InvalidKeyException extends RuntimeException {
        public InvalidKeyException(String message) {
            super(message);
        }
    }

    /** A key that claims another trusted key's product, or that Usher cannot change (409 key-conflict). */
    public static final class KeyConflictException extends RuntimeException {
        public KeyConflictException(String message) {
            super(message);
        }
    }
}
