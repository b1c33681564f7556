package dev.usher.core.identity;

import java.util.Locale;

/** Where a user came from. */
public enum UserSource {
    /** Created by an administrator; signs in with a password stored (hashed) by Usher. */
    LOCAL,
    /** From the LDAP / Active Directory directory; signs in by binding there. */
    LDAP,
    /** Created on first checkout in open mode. */
    AUTO,
    /** Signs in to the console through the site's OpenID Connect provider; Usher holds no password. */
    OIDC;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static UserSource fromCode(String code) {
        return valueOf(code.toUpperCase(Locale.ROOT));
    }
}
