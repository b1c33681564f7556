package dev.usher.client;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Where borrow tokens wait for the application to start offline: one file per product and feature,
 * the token on the first line and the lending server's public key on the second, written atomically.
 */
final class BorrowStore {

    /** A stored token and the key that checks it. */
    static final class Stored {
        final String token;
        final String publicKey;

        Stored(String token, String publicKey) {
            this.token = token;
            this.publicKey = publicKey;
        }
    }

    private final Path dir;

    BorrowStore(Path dir) {
        this.dir = dir;
    }

    static Path defaultDir() {
        return Path.of(System.getProperty("user.home"), ".usher", "borrows");
    }

    Optional<Stored> read(String product, String feature) throws IOException {
        try {
            List<String> lines = Files.readAllLines(file(product, feature), StandardCharsets.UTF_8);
            return lines.size() < 2 ? Optional.empty() : Optional.of(new Stored(lines.get(0), lines.get(1)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void save(String product, String feature, String token, String publicKey) {
        Path file = file(product, feature);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "borrow", ".tmp");
            Files.writeString(tmp, token + "\n" + publicKey + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UsherException("io", 0, "The seat was borrowed but its token could not be stored in " + file
                    + ": " + e.getMessage() + ". Return it with the administrator's help or borrow again.", e);
        }
    }

    void delete(String product, String feature) {
        try {
            Files.deleteIfExists(file(product, feature));
        } catch (IOException e) {
            throw new UsherException("io", 0, "The loan was returned but its token could not be deleted: " + e.getMessage(), e);
        }
    }

    private Path file(String product, String feature) {
        return dir.resolve(segment(product)).resolve(segment(feature) + ".borrow");
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
