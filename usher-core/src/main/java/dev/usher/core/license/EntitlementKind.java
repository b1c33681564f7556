package dev.usher.core.license;

import java.util.Locale;

/** What an entitlement grants: the right to serve a product, or seats of one of its features. */
public enum EntitlementKind {
    /** Lets this Usher installation serve the product; pools of the product serve only while one is valid. */
    SERVER,
    /** N concurrent seats of one feature of the product. */
    SEATS;

    /** The spelling in the license JSON: {@code "server"} or {@code "seats"}. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind for its JSON spelling (exact, lowercase), or {@code null} when there is none. */
    public static EntitlementKind fromJson(String text) {
        for (EntitlementKind kind : values()) {
            if (kind.json().equals(text)) {
                return kind;
            }
        }
        return null;
    }
}
