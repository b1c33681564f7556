package dev.usher.server.auth;

import dev.usher.core.store.SettingsRepository;
import dev.usher.server.auth.BearerTokens;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who may call the admin API until the identity work brings accounts: the bootstrap admin token
 * (stored only as its SHA-256 hash; shown once when generated) and a per-run local token that the
 * server writes, owner-readable only, for CLI commands on the same machine.
 */
public final class AdminCredentials {

    static final String TOKEN_HASH_KEY = "admin.token.sha256";

    private final byte[] adminTokenHash;
    private final byte[] localTokenHash;
    private final String localToken;
    private final String generatedToken;

    private AdminCredentials(byte[] adminTokenHash, String localToken, String generatedToken) {
        this.adminTokenHash = adminTokenHash;
        this.localToken = localToken;
        this.localTokenHash = sha256(localToken);
        this.generatedToken = generatedToken;
    }

    /**
     * Loads the stored token hash, or at first start stores the hash of {@code fromEnvironment} (if
     * given) or of a freshly generated token, which {@link #generatedToken()} then returns once.
     */
    public static AdminCredentials bootstrap(SettingsRepository settings, String fromEnvironment) {
        Optional<String> stored = settings.get(TOKEN_HASH_KEY);
        String generated = null;
        String hashHex;
        if (stored.isPresent()) {
            hashHex = stored.get();
        } else {
            String token = fromEnvironment;
            if (token == null || token.isBlank()) {
                token = newToken();
                generated = token;
            } else {
                requireAcceptable(token);
            }
            hashHex = settings.putIfAbsent(TOKEN_HASH_KEY, HexFormat.of().formatHex(sha256(token.strip())));
        }
        return new AdminCredentials(HexFormat.of().parseHex(hashHex), newToken(), generated);
    }

    /**
     * Refuses a bootstrap token too short to be a secret, and a first administrator's password too weak, before a first
     * start writes anything (null or blank: none given).
     */
    public static void requireAcceptable(String token, String password) {
        requireAcceptable(token);
        if (password != null && !password.isBlank()) {
            try {
                dev.usher.server.auth.PasswordHasher.requireAcceptable(password);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("USHER_ADMIN_PASSWORD is refused (" + e.getMessage() + "); nothing was started or stored");
            }
        }
    }

    private static void requireAcceptable(String token) {
        if (token != null && !token.isBlank() && token.strip().length() < 16) {
            throw new IllegalArgumentException("USHER_ADMIN_TOKEN must be at least 16 characters long");
        }
    }

    /**
     * A start that failed after generating the token never printed it: forget its hash, so the next start generates
     * one and prints it (instead of the installation having a token nobody knows).
     */
    public void forgetGenerated(SettingsRepository settings) {
        if (generatedToken != null) {
            settings.remove(TOKEN_HASH_KEY);
        }
    }

    /** A 256-bit random token, URL-safe. */
    public static String newToken() {
        return BearerTokens.newToken();
    }

    /** Constant-time check of a presented bearer token. */
    public boolean accepts(String presented) {
        if (presented == null || presented.isEmpty() || presented.length() > 512) {
            return false;
        }
        byte[] h = sha256(presented);
        // Both compared every time, so timing does not tell which one nearly matched.
        boolean admin = MessageDigest.isEqual(h, adminTokenHash);
        boolean local = MessageDigest.isEqual(h, localTokenHash);
        return admin | local;
    }

    /** The token generated at this first start, to print once; empty otherwise. */
    public Optional<String> generatedToken() {
        return Optional.ofNullable(generatedToken);
    }

    public String localToken() {
        return localToken;
    }

    private static byte[] sha256(String s) {
        return BearerTokens.sha256(s);
    }
}
