package dev.usher.core.license;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A license file as read or written: the payload, the exact bytes that were signed, the id of the signing
 * key and the Ed25519 signature. Holding the bytes (not only the payload) matters: a signature covers bytes,
 * and re-serialising the payload could differ from what the vendor signed.
 *
 * <p>Constructing one (or {@link #parse(String) parsing} one) does <em>not</em> check the signature; use
 * {@link LicenseVerifier}. The text form is described in {@link LicenseText}.
 */
public record LicenseFile(LicensePayload payload, byte[] payloadBytes, String keyId, byte[] signature) {

    public static final int SIGNATURE_LENGTH = 64;
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{16}");

    /**
     * Also checks that {@code payload} is what {@code payloadBytes} say, so a file can never show one
     * content and have another one signed.
     */
    public LicenseFile {
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(payloadBytes, "payloadBytes");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(signature, "signature");
        if (!isValidKeyId(keyId)) {
            throw new IllegalArgumentException("key id " + Entitlement.quote(keyId) + " is not 16 lowercase hex digits");
        }
        if (signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 signature is 64 bytes, not " + signature.length);
        }
        payloadBytes = payloadBytes.clone();
        signature = signature.clone();
        if (!PayloadJson.read(payloadBytes).equals(payload)) {
            throw new IllegalArgumentException("payload does not match payloadBytes");
        }
    }

    /**
     * Reads the text form. Surrounding whitespace and CRLF line endings are accepted; everything else is
     * strict. Throws {@link LicenseRejection} with {@link RejectionReason#MALFORMED} and a message naming the
     * line that is wrong. The signature is not checked.
     */
    public static LicenseFile parse(String text) {
        return LicenseText.parse(text);
    }

    /** The canonical text form, ending with one newline. */
    public String text() {
        return LicenseText.render(this);
    }

    public static boolean isValidKeyId(String keyId) {
        return keyId != null && KEY_ID.matcher(keyId).matches();
    }

    @Override
    public byte[] payloadBytes() {
        return payloadBytes.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LicenseFile f
                && payload.equals(f.payload) && Arrays.equals(payloadBytes, f.payloadBytes)
                && keyId.equals(f.keyId) && Arrays.equals(signature, f.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(payload, Arrays.hashCode(payloadBytes), keyId, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "LicenseFile[id=" + payload.id() + ", customer=" + payload.customer() + ", keyId=" + keyId
                + ", signature=" + HexFormat.of().formatHex(signature, 0, 8) + "...]";
    }
}
