package dev.usher.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/**
 * Proof that a seat is on loan to this person until {@link #until()}, signed by the Usher
 * installation that lent it. {@link #verify} needs no network: only the token and the installation's
 * public key ({@code borrowPublicKey} of {@code GET /api/v1/installation}, which {@link UsherClient#borrow}
 * stores beside the token).
 *
 * <p>Format: {@code base64url(payload JSON) "." base64url(Ed25519 signature over the first part's ASCII bytes)}.
 * Checking it needs Ed25519, which the JDK has from Java 15 on: on Java 11 to 14 {@link #verify} throws
 * {@link OfflineVerificationUnavailable} (see {@link #canVerifyOffline()}).
 */
public final class BorrowToken {

    private static final int MAX_LENGTH = 8192;
    private static final String ED25519 = "Ed25519";

    private final String installationId;
    private final String product;
    private final String feature;
    private final String user;
    private final String host;
    private final String seatId;
    private final String sessionId;
    private final Instant issued;
    private final Instant until;
    private final String text;

    BorrowToken(String installationId, String product, String feature, String user, String host, String seatId,
                String sessionId, Instant issued, Instant until, String text) {
        this.installationId = installationId;
        this.product = product;
        this.feature = feature;
        this.user = user;
        this.host = host;
        this.seatId = seatId;
        this.sessionId = sessionId;
        this.issued = issued;
        this.until = until;
        this.text = text;
    }

    /** True when this Java runtime can check borrow tokens (Java 15 or newer: it has Ed25519). */
    public static boolean canVerifyOffline() {
        try {
            requireEd25519(ED25519);
            return true;
        } catch (OfflineVerificationUnavailable e) {
            return false;
        }
    }

    /** Throws {@link OfflineVerificationUnavailable}, with a sentence saying why, when {@code algorithm} is missing. */
    static void requireEd25519(String algorithm) {
        try {
            KeyFactory.getInstance(algorithm);
            Signature.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new OfflineVerificationUnavailable("This Java runtime (Java " + System.getProperty("java.version")
                    + ") has no " + algorithm + " signatures, so a borrow token cannot be checked offline. Borrowing a seat"
                    + " and working offline need Java 15 or newer; everything else works on this Java.", e);
        }
    }

    /**
     * Checks the signature and the date; returns the loan, or throws {@link InvalidBorrowToken} saying why
     * not ({@link OfflineVerificationUnavailable} when this Java cannot check signatures at all).
     */
    public static BorrowToken verify(String token, String publicKeyBase64, Clock clock) {
        BorrowToken t = verifySignature(token, publicKeyBase64);
        Instant now = clock.instant();
        if (!now.isBefore(t.until())) {
            throw new InvalidBorrowToken("The loan of " + t.product() + " " + t.feature() + " ended at " + t.until()
                    + ". Connect to the license server to borrow again.");
        }
        return t;
    }

    public static BorrowToken verify(String token, String publicKeyBase64) {
        return verify(token, publicKeyBase64, Clock.systemUTC());
    }

    private static BorrowToken verifySignature(String token, String publicKeyBase64) {
        if (token == null || token.length() > MAX_LENGTH) {
            throw new InvalidBorrowToken("This is not a borrow token (missing or too long).");
        }
        String text = token.strip();
        int dot = text.indexOf('.');
        if (dot <= 0 || dot != text.lastIndexOf('.') || dot == text.length() - 1) {
            throw new InvalidBorrowToken("This is not a borrow token (expected two parts separated by a dot).");
        }
        requireEd25519(ED25519);
        String body = text.substring(0, dot);
        try {
            PublicKey key = KeyFactory.getInstance(ED25519)
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKeyBase64.strip())));
            Signature s = Signature.getInstance(ED25519);
            s.initVerify(key);
            s.update(body.getBytes(StandardCharsets.US_ASCII));
            if (!s.verify(Base64.getUrlDecoder().decode(text.substring(dot + 1)))) {
                throw new InvalidBorrowToken("The borrow token's signature does not match: it was changed, or another"
                        + " license server issued it.");
            }
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            throw new InvalidBorrowToken("The borrow token or the server key cannot be read: " + e.getMessage());
        }
        try {
            Map<String, Object> m = Json.object(new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8));
            if (Json.number(m, "v", 0) != 1) {
                throw new InvalidBorrowToken("This borrow token has a version this library does not know; update the application.");
            }
            return new BorrowToken(Json.string(m, "installationId"), required(m, "product"), required(m, "feature"),
                    Json.string(m, "user"), Json.string(m, "host"), required(m, "seatId"), Json.string(m, "sessionId"),
                    Instant.parse(required(m, "issued")), Instant.parse(required(m, "until")), text);
        } catch (InvalidBorrowToken e) {
            throw e;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidBorrowToken("The borrow token is signed but its content cannot be read: " + e.getMessage());
        }
    }

    private static String required(Map<String, Object> m, String key) {
        String v = Json.string(m, key);
        if (v == null || v.isEmpty()) {
            throw new InvalidBorrowToken("The borrow token has no " + key + ".");
        }
        return v;
    }

    public String installationId() {
        return installationId;
    }

    public String product() {
        return product;
    }

    public String feature() {
        return feature;
    }

    public String user() {
        return user;
    }

    public String host() {
        return host;
    }

    public String seatId() {
        return seatId;
    }

    public String sessionId() {
        return sessionId;
    }

    public Instant issued() {
        return issued;
    }

    public Instant until() {
        return until;
    }

    /** The token as the server signed it. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BorrowToken && ((BorrowToken) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    @Override
    public String toString() {
        return "BorrowToken[" + product + " " + feature + " for " + user + " until " + until + "]";
    }
}
