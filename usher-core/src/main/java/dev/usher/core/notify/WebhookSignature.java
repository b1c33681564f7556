package dev.usher.core.notify;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The signature on a webhook: HMAC-SHA256, keyed with the webhook's secret, over
 * {@code timestamp + "." + body} (the timestamp in Unix seconds, the body as sent). Signing the time
 * with the body lets a receiver refuse a replayed request: it checks the signature, then that the
 * timestamp is recent.
 *
 * <pre>
 * Usher-Timestamp: 1780315200
 * Usher-Signature: sha256=5d41402abc4b2a76b9719d911017c592...
 * </pre>
 */
public final class WebhookSignature {

    public static final String TIMESTAMP_HEADER = "Usher-Timestamp";
    public static final String SIGNATURE_HEADER = "Usher-Signature";
    public static final String PREFIX = "sha256=";

    private WebhookSignature() {
    }

    /** {@code sha256=} and the HMAC in lower-case hex. */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }

    /** What a receiver does: recompute and compare in constant time. */
    public static boolean verify(String secret, long timestampSeconds, byte[] body, String signature) {
        return signature != null && MessageDigest.isEqual(sign(secret, timestampSeconds, body).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
