package dev.usher.core.license;

import java.util.Locale;

/** Why a license file is not (or not yet) usable; {@link #code()} is the stable machine-readable spelling. */
public enum RejectionReason {
    /** Not a license file, or one whose structure or payload is broken. */
    MALFORMED,
    /** Signed by a key this server does not trust. */
    UNKNOWN_KEY,
    /** The signature does not match the content: the file was changed after signing. */
    BAD_SIGNATURE,
    /** Genuinely signed, but by a key that may not license one of its products (another vendor's, or contested). */
    PRODUCT_NOT_ALLOWED,
    /** Genuine, but none of its entitlements has started yet. */
    NOT_YET_VALID,
    /** Genuine, but every entitlement has expired. */
    EXPIRED,
    /** Genuine, but bound to another Usher installation. */
    WRONG_INSTALLATION;

    /** Kebab-case: {@code malformed}, {@code unknown-key}, {@code bad-signature}, {@code not-yet-valid}, ... */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The reason for a {@link #code()}, or {@code null} when there is none. */
    public static RejectionReason fromCode(String code) {
        for (RejectionReason reason : values()) {
            if (reason.code().equals(code)) {
                return reason;
            }
        }
        return null;
    }
}
