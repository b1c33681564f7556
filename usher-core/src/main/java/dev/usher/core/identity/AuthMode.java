package dev.usher.core.identity;

import java.util.Arrays;
import java.util.Locale;

/** How clients prove who they are (setting {@code auth.mode}). */
public enum AuthMode {
    /** Trusted LAN: clients report user and host; names resolve through aliases. */
    OPEN,
    /** Clients sign in with a password (local or LDAP) and send the session token. The default. */
    SESSION,
    /** Clients send a long-lived API token (build machines, services). */
    TOKEN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AuthMode fromCode(String code) {
        return Arrays.stream(values()).filter(m -> m.code().equals(code)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("auth mode must be open, session or token (got '" + code + "')"));
    }
}
