package dev.usher.core.notify;

import java.util.Arrays;
import java.util.Locale;

/** What an alert is about; {@link #code()} is what settings, the delivery log and webhook payloads carry. */
public enum AlertKind {
    LICENSE_EXPIRING("A license or pool expires soon"),
    POOL_BUSY("A pool is nearly full for a while"),
    SEATS_REFUSED("People were refused for want of a seat"),
    DOCTOR_FINDING("The doctor found something new"),
    AUDIT_BROKEN("The audit trail failed verification"),
    NODE_GONE("A node of the cluster is gone"),
    /** "Send a test" in the console or the API: never deduplicated, never retried. */
    TEST("A test message");

    private final String label;

    AlertKind(String label) {
        this.label = label;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A short description for people (the console's list of events). */
    public String label() {
        return label;
    }

    public static AlertKind fromCode(String code) {
        return Arrays.stream(values()).filter(k -> k.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown event '" + code + "': use one of "
                        + String.join(", ", Arrays.stream(values()).filter(k -> k != TEST).map(AlertKind::code).toList())));
    }
}
