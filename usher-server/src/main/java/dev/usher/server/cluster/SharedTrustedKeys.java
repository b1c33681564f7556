package dev.usher.server.cluster;

import dev.usher.core.license.VendorKeys;
import dev.usher.core.cluster.ClusterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Trusted vendor keys for a cluster: every node accepts the same licenses, so a key file dropped into
 * one node's {@code trusted-keys} directory (or a {@code --trusted-keys} directory) is copied into the
 * database, and each node mirrors the database's keys into {@code DATA/cluster-keys/}, one more
 * directory its license service reads. Runs at start and whenever the configuration version moves.
 */
public final class SharedTrustedKeys {

    private static final Logger LOG = LoggerFactory.getLogger(SharedTrustedKeys.class);

    private SharedTrustedKeys() {
    }

    /** Copies local keys up, mirrors the shared ones down; returns the mirror directory. */
    public static Path share(ClusterRegistry store, List<Path> localDirs, Path mirror, Clock clock) {
        for (Path dir : localDirs) {
            if (!Files.isDirectory(dir) || dir.equals(mirror)) {
                continue;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pub")) {
                for (Path f : files) {
                    try {
                        PublicKey key = VendorKeys.readPublicKey(f);
                        store.addTrustedKey(VendorKeys.keyId(key), Files.readString(f, StandardCharsets.US_ASCII), clock.instant());
                    } catch (IllegalArgumentException | IOException | UncheckedIOException e) {
                        // the license service names the unreadable file in its own error
                        LOG.warn("not sharing trusted key {}: {}", f, e.getMessage());
                    }
                }
            } catch (IOException e) {
                LOG.warn("cannot list {}: {}", dir, e.getMessage());
            }
        }
        try {
            Files.createDirectories(mirror);
            Map<String, String> shared = store.trustedKeys();
            for (Map.Entry<String, String> k : shared.entrySet()) {
                Path file = mirror.resolve(k.getKey().replaceAll("[^0-9a-f]", "") + ".pub");
                if (!Files.exists(file) || !Files.readString(file, StandardCharsets.US_ASCII).equals(k.getValue())) {
                    Path tmp = mirror.resolve(file.getFileName() + ".tmp");
                    Files.writeString(tmp, k.getValue(), StandardCharsets.US_ASCII);
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mirror the cluster's trusted keys into " + mirror + ": " + e.getMessage(), e);
        }
        return mirror;
    }
}
