package dev.usher.core.license;

/**
 * How a license file stands, for lists and status pages (where a rejected file is shown, not thrown).
 *
 * @param reason  why it is not usable now, or {@code null} when it is valid
 * @param message the rejection message, or {@code null} when valid
 * @param keyId   the id of the key it claims to be signed by, or {@code null} when the text could not be read
 * @param payload the payload when the text could be read, else {@code null}. Only trust it as the vendor's
 *                word when {@link #payloadVerified()}: for {@code unknown-key} and {@code bad-signature} it is
 *                shown to help identify the file, nothing more.
 */
public record LicenseStatus(RejectionReason reason, String message, String keyId, LicensePayload payload) {

    static LicenseStatus valid(LicenseFile file, LicensePayload payload) {
        return new LicenseStatus(null, null, file.keyId(), payload);
    }

    public boolean valid() {
        return reason == null;
    }

    /** True when the payload is present and its signature was verified by a trusted key. */
    public boolean payloadVerified() {
        return payload != null && (reason == null || switch (reason) {
            case MALFORMED, UNKNOWN_KEY, BAD_SIGNATURE -> false;
            case NOT_YET_VALID, EXPIRED, WRONG_INSTALLATION, PRODUCT_NOT_ALLOWED -> true;
        });
    }

    /** {@code "valid"} or the reason's code, e.g. {@code "expired"}. */
    public String code() {
        return reason == null ? "valid" : reason.code();
    }
}
