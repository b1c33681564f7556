package dev.usher.server.license;

import dev.usher.core.license.TrustedKey;
import dev.usher.core.license.TrustedKeys;
import dev.usher.core.license.VendorKeyFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories of trusted vendor key files: {@code DATA/trusted-keys/} first (where keys added through Usher
 * are written), then every {@code --trusted-keys} directory. The files are the truth: a key file copied in or
 * deleted by hand counts as much as one added through the API, and {@link #fingerprint()} tells when they changed.
 */
public final class TrustedKeyDirectories {

    private final List<Path> dirs;
    private final Path shared;

    public TrustedKeyDirectories(List<Path> dirs) {
        this(dirs, null);
    }

    /** @param shared the directory that mirrors the keys several nodes share through their database, or null */
    public TrustedKeyDirectories(List<Path> dirs, Path shared) {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("at least the data directory's trusted-keys directory is needed");
        }
        this.dirs = List.copyOf(dirs);
        this.shared = shared;
    }

    /** The directories a node reads keys from, and how it shares them with the other nodes (if any). */
    public record OfNode(TrustedKeyDirectories directories, KeySharing sharing) {
    }

    /**
     * A node's key directories: its data directory's own first (keys added through Usher go there), then the
     * configured ones, then, with several nodes, the mirror of the keys they share through the database.
     *
     * @param shared the keys several nodes share, or null for a lone server
     */
    public static OfNode ofNode(Path own, List<Path> configured, dev.usher.core.license.SharedKeyStore shared, Path mirror) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(own);
        dirs.addAll(configured);
        if (shared == null) {
            return new OfNode(new TrustedKeyDirectories(dirs), KeySharing.NONE);
        }
        KeySharing sharing = new ClusterKeySharing(shared, List.copyOf(dirs), mirror);
        dirs.add(mirror);
        return new OfNode(new TrustedKeyDirectories(dirs, mirror), sharing);
    }

    public List<Path> dirs() {
        return dirs;
    }

    /** Where keys added through Usher go. */
    public Path writable() {
        return dirs.getFirst();
    }

    /**
     * Every key file as the directories hold them now. A file there that is not a key file fails the load (rather
     * than being skipped, which would turn into puzzling "unknown key" refusals): {@link TrustedKeysUnreadableException}.
     */
    public TrustedKeys load() {
        TrustedKeys keys = TrustedKeys.of();
        for (Path dir : dirs) {
            try {
                keys = keys.withAll(TrustedKeys.loadDirectory(dir));
            } catch (IllegalArgumentException | UncheckedIOException e) {
                throw new TrustedKeysUnreadableException(e.getMessage(), e);
            }
        }
        return keys;
    }

    /**
     * Names, sizes and modification times of every key file: changes whenever a file is added, removed or
     * rewritten, and costs a directory listing (no file is read).
     */
    public String fingerprint() {
        StringBuilder out = new StringBuilder();
        for (Path dir : dirs) {
            try {
                for (Path file : TrustedKeys.keyFiles(dir)) {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    out.append(file).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append('\n');
                }
            } catch (IOException | RuntimeException e) {
                // A directory that cannot be listed now: load() says why; the fingerprint just differs.
                out.append(dir).append(" unreadable: ").append(e.getMessage()).append('\n');
            }
        }
        return out.toString();
    }

    /** Writes a key file into {@link #writable()} (replacing the file of the same key, if it is there). */
    public Path write(TrustedKey key, String text, Path replacing) {
        Path dir = writable();
        String vendor = key.vendor() == null ? "vendor" : key.vendor().toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        Path file = replacing != null && replacing.getParent() != null && replacing.getParent().equals(dir) ? replacing
                : dir.resolve((vendor.isEmpty() ? "vendor" : vendor) + "-" + key.keyId() + ".pub");
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".key-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            // Atomic: the watcher never reads half a file.
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes every file of key {@code keyId} in these directories (an old file and the vendor's new one may both be
     * there). The directory mirroring a cluster's shared keys is left to the sharing, which rewrites it.
     */
    public void delete(String keyId) {
        for (Path dir : dirs) {
            if (dir.equals(shared)) {
                continue;
            }
            for (Path file : TrustedKeys.keyFiles(dir)) {
                try {
                    if (VendorKeyFile.read(file).keyId().equals(keyId)) {
                        Files.deleteIfExists(file);
                    }
                } catch (IllegalArgumentException e) {
                    // not a key file: load() reports it
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + file + " (" + e.getMessage() + "): delete it by hand", e);
                }
            }
        }
    }

    /** A trusted-keys directory holds a file that is not a vendor key file, or cannot be read: a server problem. */
    public static final class TrustedKeysUnreadableException extends IllegalStateException {
        public TrustedKeysUnreadableException(String problem, Throwable cause) {
            super("cannot read the trusted vendor keys: " + problem
                    + " (every *.pub file in a trusted-keys directory must be a vendor key file: fix or remove it)", cause);
        }
    }
}
