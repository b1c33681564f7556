package dev.usher.core.license;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The vendor public keys a server trusts, by key id. Immutable: adding a key makes a new instance, so a
 * verification in progress always sees one consistent set.
 */
public final class TrustedKeys {

    private final Map<String, PublicKey> byKeyId;
    private final Path directory;

    private TrustedKeys(Map<String, PublicKey> byKeyId, Path directory) {
        this.byKeyId = Collections.unmodifiableMap(new TreeMap<>(byKeyId));
        this.directory = directory;
    }

    public static TrustedKeys of(PublicKey... keys) {
        TrustedKeys trusted = new TrustedKeys(Map.of(), null);
        for (PublicKey key : keys) {
            trusted = trusted.with(key);
        }
        return trusted;
    }

    /**
     * Every {@code *.pub} PEM file in {@code dir} (not its subdirectories). A missing directory holds no keys;
     * a file that is not an Ed25519 public key fails the whole load with {@link IllegalArgumentException}
     * naming the file, because silently skipping it would turn into puzzling "unknown key" rejections later.
     * The directory is remembered and named in "unknown key" messages.
     */
    public static TrustedKeys loadDirectory(Path dir) {
        Map<String, PublicKey> keys = new TreeMap<>();
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException(dir + ": not a directory (expected a directory of *.pub files)");
            }
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.pub")) {
                stream.forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
            }
            files.sort(null);
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    PublicKey key = VendorKeys.readPublicKey(file);
                    keys.put(VendorKeys.keyId(key), key);
                }
            }
        }
        return new TrustedKeys(keys, dir);
    }

    /** These keys plus {@code key}. */
    public TrustedKeys with(PublicKey key) {
        VendorKeys.requireEd25519(key, "public key");
        Map<String, PublicKey> keys = new TreeMap<>(byKeyId);
        keys.put(VendorKeys.keyId(key), key);
        return new TrustedKeys(keys, directory);
    }

    /** These keys plus all of {@code other}'s (this one's directory, if any, stays the one named in messages). */
    public TrustedKeys withAll(TrustedKeys other) {
        Map<String, PublicKey> keys = new TreeMap<>(byKeyId);
        keys.putAll(other.byKeyId);
        return new TrustedKeys(keys, directory != null ? directory : other.directory);
    }

    public Optional<PublicKey> find(String keyId) {
        return Optional.ofNullable(byKeyId.get(keyId));
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

    @Override
    public String toString() {
        return "TrustedKeys" + keyIds() + (directory == null ? "" : " from " + directory);
    }
}
