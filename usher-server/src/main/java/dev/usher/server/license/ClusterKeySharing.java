package dev.usher.server.license;

import dev.usher.core.license.TrustedKey;
import dev.usher.core.license.TrustedKeys;
import dev.usher.core.license.VendorKeyFile;
import dev.usher.core.license.SharedKeyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Trusted vendor keys for several nodes on one PostgreSQL database: every node must accept the same licenses.
 * A key file on any node's disk (its trusted-keys directory, or a {@code --trusted-keys} one) is shared through the
 * {@code trusted_keys} table, and each node mirrors the shared keys into {@code DATA/cluster-keys/}, one more
 * directory its license service reads. Runs before every reload, so a key added or removed on one node reaches
 * the others with the configuration version, within a second.
 *
 * <p>Removal sticks: a key removed through Usher, or whose file was deleted from the node that held it (while
 * that node ran), becomes a tombstone, and a node holding an older copy of the file deletes its copy rather than
 * sharing it again. A file newer than the tombstone is a deliberate re-add and is shared again. Times are the
 * wall clock, compared with the files' modification times.
 */
public final class ClusterKeySharing implements KeySharing {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterKeySharing.class);

    private record LocalKey(String keyId, Path file, String text, long modified) {}

    private final SharedKeyStore store;
    private final List<Path> localDirs;
    private final Path mirror;
    /** The key ids in this node's directories at the last share: one missing now was deleted here. Null before the first. */
    private Set<String> seenHere;

    public ClusterKeySharing(SharedKeyStore store, List<Path> localDirs, Path mirror) {
        this.store = store;
        this.localDirs = List.copyOf(localDirs);
        this.mirror = mirror;
    }

    public Path mirror() {
        return mirror;
    }

    @Override
    public synchronized void share() {
        Map<String, SharedKeyStore.Row> rows = store.all();
        Map<String, LocalKey> local = readLocal();
        long now = System.currentTimeMillis();
        if (seenHere != null) {
            for (String gone : seenHere) {
                SharedKeyStore.Row row = rows.get(gone);
                if (!local.containsKey(gone) && row != null && !row.removed()) {
                    LOG.info("trusted key {} was deleted from this node's directories: no node trusts it any more", gone);
                    store.remove(gone, now);
                }
            }
        }
        for (LocalKey k : local.values()) {
            SharedKeyStore.Row row = rows.get(k.keyId());
            if (row == null || row.removed() && k.modified() > row.removedAt()
                    || !row.removed() && !row.text().equals(k.text()) && k.modified() > row.changedAt()) {
                store.put(k.keyId(), k.text(), Math.max(now, k.modified()));
            } else if (row.removed()) {
                LOG.info("trusted key {} was removed on another node: deleting this node's copy {}", k.keyId(), k.file());
                delete(k.file());
            }
        }
        Set<String> stillHere = new HashSet<>(readLocal().keySet());
        seenHere = stillHere;
        mirror(store.all());
    }

    @Override
    public void removed(String keyId) {
        store.remove(keyId, System.currentTimeMillis());
    }

    /** Writes every shared key into the mirror directory and deletes the mirrored files of removed keys. */
    private void mirror(Map<String, SharedKeyStore.Row> rows) {
        try {
            Files.createDirectories(mirror);
            Set<Path> wanted = new HashSet<>();
            for (SharedKeyStore.Row row : rows.values()) {
                if (row.removed()) {
                    continue;
                }
                Path file = mirror.resolve(row.keyId().replaceAll("[^0-9a-f]", "") + ".pub");
                wanted.add(file);
                if (!Files.exists(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(row.text())) {
                    Path tmp = mirror.resolve(file.getFileName() + ".tmp");
                    Files.writeString(tmp, row.text(), StandardCharsets.UTF_8);
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            for (Path file : TrustedKeys.keyFiles(mirror)) {
                if (!wanted.contains(file)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mirror the cluster's trusted keys into " + mirror + ": " + e.getMessage(), e);
        }
    }

    private Map<String, LocalKey> readLocal() {
        Map<String, LocalKey> out = new HashMap<>();
        for (Path dir : localDirs) {
            if (dir.equals(mirror)) {
                continue;
            }
            for (Path f : TrustedKeys.keyFiles(dir)) {
                try {
                    TrustedKey key = VendorKeyFile.read(f);
                    out.put(key.keyId(), new LocalKey(key.keyId(), f, Files.readString(f, StandardCharsets.UTF_8),
                            Files.getLastModifiedTime(f).toMillis()));
                } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
                    // the license service names the unreadable file in its own error
                    LOG.warn("not sharing trusted key {}: {}", f, e.getMessage());
                }
            }
        }
        return out;
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }
}
