package dev.usher.core.license;

import java.util.Objects;

/**
 * A license file that cannot be used, with the machine-readable {@link #reason()} and a message that
 * says what is wrong and what to do about it (it is shown to administrators as it is).
 */
public final class LicenseRejection extends RuntimeException {

    private final RejectionReason reason;

    public LicenseRejection(RejectionReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RejectionReason reason() {
        return reason;
    }
}
