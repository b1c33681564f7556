package dev.usher.server.seat;

import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.store.SettingsRepository;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs borrow tokens with this installation's own Ed25519 key, so that a vendor's application can
 * check a loan with no network at all ({@code dev.usher.client.BorrowToken.verify}).
 *
 * <p>The key pair is made at first start and kept in the store's settings (not in a file next to
 * it): every node of a cluster signs with the same key, and a backup restores it. The public half is
 * published at {@code GET /api/v1/installation}.
 *
 * <p>Token format (like a JWS compact serialization, without the header): {@code base64url(payload JSON)
 * "." base64url(Ed25519 signature of the first part's ASCII bytes)}. Signing the encoded bytes, not a
 * re-serialization, means the verifier never has to canonicalize JSON.
 */
public final class BorrowTokens {

    static final String KEY_SETTING = "installation.borrow-key";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String installationId;
    private final JsonMapper json = JsonMapper.builder().build();

    private BorrowTokens(KeyPair pair, String installationId) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
        this.installationId = installationId;
    }

    /** Loads this installation's key, making it on first start (atomically: two nodes starting at once agree on one). */
    public static BorrowTokens load(SettingsRepository settings, String installationId) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
            KeyPair fresh = g.generateKeyPair();
            String stored = settings.putIfAbsent(KEY_SETTING, Base64.getEncoder().encodeToString(fresh.getPrivate().getEncoded())
                    + "." + Base64.getEncoder().encodeToString(fresh.getPublic().getEncoded()));
            String[] parts = stored.split("\\.");
            KeyFactory f = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = f.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(parts[0])));
            PublicKey pub = f.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(parts[1])));
            return new BorrowTokens(new KeyPair(pub, priv), installationId);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("cannot load this installation's borrow key (setting " + KEY_SETTING + "): " + e.getMessage(), e);
        }
    }

    /** The public key as base64 of its X.509 SubjectPublicKeyInfo encoding (what {@code BorrowToken.verify} takes). */
    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey.getEncoded());
    }

    /** A signed token proving the loan {@code lent}, issued at {@code issued}. */
    public String sign(BorrowOutcome.Lent lent, Instant issued) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("v", 1);
        payload.put("installationId", installationId);
        payload.put("product", lent.pool().product());
        payload.put("feature", lent.pool().feature());
        payload.put("user", lent.user());
        payload.put("host", lent.host());
        payload.put("seatId", lent.seatId());
        payload.put("sessionId", lent.sessionId());
        payload.put("issued", issued.toString());
        payload.put("until", lent.until().toString());
        String body = B64URL.encodeToString(json.writeValueAsBytes(payload));
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(privateKey);
            s.update(body.getBytes(StandardCharsets.US_ASCII));
            return body + "." + B64URL.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a borrow token", e);
        }
    }
}
