package dev.usher.core.license;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The vendor public keys a server trusts, by key id, each with the products it may license. Immutable: adding a
 * key makes a new instance, so a verification in progress always sees one consistent set.
 *
 * <p>A key licenses only its own products, and a product belongs to one key: when two keys claim the same
 * product, neither may license it ({@link #licensing}), because Usher cannot tell which one is the vendor's.
 * Adding a key through Usher refuses such a key at once ({@link #claimedElsewhere}); a file copied into the
 * directory by hand is shown with the conflict instead.
 */
public final class TrustedKeys {

    /** Whether a key may license a product, and if not, the sentence that says why. */
    public sealed interface Licensing {
        record Allowed() implements Licensing {}

        record Refused(String message) implements Licensing {}
    }

    private static final Licensing ALLOWED = new Licensing.Allowed();

    private final Map<String, TrustedKey> byKeyId;
    private final Path directory;

    private TrustedKeys(Map<String, TrustedKey> byKeyId, Path directory) {
        this.byKeyId = Collections.unmodifiableMap(new TreeMap<>(byKeyId));
        this.directory = directory;
    }

    /** Keys that may license any product: for tools that check one vendor's files, and tests. */
    public static TrustedKeys of(PublicKey... keys) {
        TrustedKeys trusted = new TrustedKeys(Map.of(), null);
        for (PublicKey key : keys) {
            trusted = trusted.with(key);
        }
        return trusted;
    }

    /**
     * Every {@code *.pub} key file in {@code dir} (not its subdirectories). A missing directory holds no keys;
     * a file that is not a vendor key file fails the whole load with {@link IllegalArgumentException} naming
     * the file, because silently skipping it would turn into puzzling "unknown key" rejections later.
     * The directory is remembered and named in "unknown key" messages.
     */
    public static TrustedKeys loadDirectory(Path dir) {
        Map<String, TrustedKey> keys = new TreeMap<>();
        for (Path file : keyFiles(dir)) {
            put(keys, VendorKeyFile.read(file));
        }
        return new TrustedKeys(keys, dir);
    }

    /** The {@code *.pub} files of {@code dir}, sorted; none when it does not exist. */
    public static List<Path> keyFiles(Path dir) {
        List<Path> files = new ArrayList<>();
        if (!Files.exists(dir)) {
            return files;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory (expected a directory of *.pub files)");
        }
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.pub")) {
            stream.forEach(f -> {
                if (Files.isRegularFile(f)) {
                    files.add(f);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        files.sort(null);
        return files;
    }

    /** One key id in two files (a vendor's new key file next to the old one): the file naming the products wins. */
    private static void put(Map<String, TrustedKey> keys, TrustedKey key) {
        TrustedKey before = keys.get(key.keyId());
        if (before == null || before.oldFormat() || !key.oldFormat()) {
            keys.put(key.keyId(), key);
        }
    }

    /** These keys plus {@code key}, which may license any product. */
    public TrustedKeys with(PublicKey key) {
        VendorKeys.requireEd25519(key, "public key");
        return with(TrustedKey.unrestricted(key));
    }

    /** These keys plus {@code key}. */
    public TrustedKeys with(TrustedKey key) {
        Map<String, TrustedKey> keys = new TreeMap<>(byKeyId);
        put(keys, key);
        return new TrustedKeys(keys, directory);
    }

    /** These keys plus all of {@code other}'s (this one's directory, if any, stays the one named in messages). */
    public TrustedKeys withAll(TrustedKeys other) {
        Map<String, TrustedKey> keys = new TreeMap<>(byKeyId);
        other.byKeyId.values().forEach(k -> put(keys, k));
        return new TrustedKeys(keys, directory != null ? directory : other.directory);
    }

    /**
     * Old key files name no products: each may license the products of the installed licenses it signed (a
     * genuine signature by it is proof enough that the vendor licensed them), and no other. So an upgrade changes
     * nothing that was granted, and the key cannot license a new product until the vendor's new key file replaces it.
     */
    public TrustedKeys withProductsOfOldKeys(Collection<LicenseFile> installed) {
        Map<String, TrustedKey> keys = new TreeMap<>(byKeyId);
        for (TrustedKey key : byKeyId.values()) {
            if (!key.oldFormat()) {
                continue;
            }
            Set<String> products = new LinkedHashSet<>();
            TrustedKeys only = TrustedKeys.of(key.publicKey());
            for (LicenseFile file : installed) {
                if (file.keyId().equals(key.keyId())) {
                    try {
                        LicenseVerifier.verifySignature(file, only).entitlements().forEach(e -> products.add(e.product()));
                    } catch (LicenseRejection e) {
                        // a file this key did not sign proves nothing
                    }
                }
            }
            keys.put(key.keyId(), key.withProducts(products.stream().sorted().map(ProductClaim::new).toList()));
        }
        return new TrustedKeys(keys, directory);
    }

    public Optional<PublicKey> find(String keyId) {
        return key(keyId).map(TrustedKey::publicKey);
    }

    public Optional<TrustedKey> key(String keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
    }

    /** The keys, by key id. */
    public Collection<TrustedKey> keys() {
        return byKeyId.values();
    }

    /** The trusted key ids, sorted. */
    public Set<String> keyIds() {
        return byKeyId.keySet();
    }

    public boolean isEmpty() {
        return byKeyId.isEmpty();
    }

    /** The directory the keys were loaded from, if they were. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /** May the key {@code keyId} (which must be trusted) license {@code product}? */
    public Licensing licensing(String keyId, String product) {
        TrustedKey key = byKeyId.get(keyId);
        if (key == null) {
            return new Licensing.Refused("key " + keyId + " is not trusted");
        }
        if (!key.covers(product)) {
            return new Licensing.Refused("key " + keyId + " of vendor " + key.vendorName() + " may not license product " + product
                    + " (it may license " + key.productList() + ")" + (key.oldFormat()
                    ? ": its key file is in the old format, which names no products; ask the vendor for its key file that names "
                    + product + " and put it into the trusted-keys directory in place of the old one" : ""));
        }
        for (TrustedKey other : byKeyId.values()) {
            if (!other.keyId().equals(keyId) && other.covers(product)) {
                return new Licensing.Refused("key " + keyId + " of vendor " + key.vendorName() + " may not license product " + product
                        + ": key " + other.keyId() + " of vendor " + other.vendorName() + " claims it too, and a product belongs to"
                        + " one key; remove the key that is not the vendor's from the trusted keys");
            }
        }
        return ALLOWED;
    }

    /** The trusted keys (other than {@code key} itself) that claim a product {@code key} claims. */
    public List<TrustedKey> claimedElsewhere(TrustedKey key) {
        return byKeyId.values().stream()
                .filter(k -> !k.keyId().equals(key.keyId()) && !key.overlapsWith(k).isEmpty())
                .toList();
    }

    /** Sentences for every pair of keys claiming the same products (each pair once). */
    public List<String> conflicts() {
        List<String> out = new ArrayList<>();
        List<TrustedKey> all = List.copyOf(byKeyId.values());
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++) {
                TrustedKey a = all.get(i);
                TrustedKey b = all.get(j);
                List<ProductClaim> both = a.overlapsWith(b);
                if (!both.isEmpty()) {
                    out.add(conflict(a, b, both));
                }
            }
        }
        return out;
    }

    /** The conflict sentence of {@code key} against {@code other}. */
    public static String conflict(TrustedKey key, TrustedKey other, List<ProductClaim> claims) {
        return "keys " + key.keyId() + " (vendor " + key.vendorName() + ") and " + other.keyId() + " (vendor " + other.vendorName()
                + ") both claim " + String.join(", ", claims.stream().map(ProductClaim::pattern).toList())
                + ": neither licenses those products until one of them is removed";
    }

    @Override
    public String toString() {
        return "TrustedKeys" + keyIds() + (directory == null ? "" : " from " + directory);
    }
}
