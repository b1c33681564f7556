package dev.usher.core.license;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * One grant of a license file: either the right to serve {@code product} ({@link EntitlementKind#SERVER},
 * feature {@value #SERVER_FEATURE}, seats 0, optionally bound to one installation), or {@code seats}
 * concurrent seats of {@code product}/{@code feature} ({@link EntitlementKind#SEATS}).
 *
 * <p>Valid from {@code starts} (inclusive) to {@code expires} (exclusive); {@code expires == null} means it
 * never expires. Product and feature names are case-sensitive exactly as written, so {@code CAD} and
 * {@code cad} are different products: a license file is a contract and Usher does not guess.
 */
public record Entitlement(
        String product,
        String feature,
        EntitlementKind kind,
        int seats,
        Instant starts,
        Instant expires,
        String installationId) {

    /** The feature name every server entitlement carries. */
    public static final String SERVER_FEATURE = "server";
    public static final int MAX_SEATS = 1_000_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** Installation ids are chosen by the server (a UUID today); the rule only keeps them printable and bounded. */
    private static final Pattern INSTALLATION_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    /**
     * Validates every field; throws {@link IllegalArgumentException} with a sentence naming the field.
     * (Missing values are reported the same way rather than as NullPointerException, so a JSON reader can
     * turn any of them into one "malformed" message.)
     */
    public Entitlement {
        requireName("product", product);
        if (kind == null) {
            throw new IllegalArgumentException("kind is missing (expected \"server\" or \"seats\")");
        }
        if (starts == null) {
            throw new IllegalArgumentException("starts is missing");
        }
        if (expires != null && !expires.isAfter(starts)) {
            throw new IllegalArgumentException("expires (" + expires + ") must be after starts (" + starts + ")");
        }
        switch (kind) {
            case SERVER -> {
                if (!SERVER_FEATURE.equals(feature)) {
                    throw new IllegalArgumentException("a server entitlement has feature \"server\", not " + quote(feature));
                }
                if (seats != 0) {
                    throw new IllegalArgumentException("a server entitlement has seats 0, not " + seats);
                }
            }
            case SEATS -> {
                requireName("feature", feature);
                // A seats pool named "server" would read like the server entitlement in every list and message.
                if (SERVER_FEATURE.equals(feature)) {
                    throw new IllegalArgumentException("feature \"server\" is reserved for server entitlements; name the seats feature differently");
                }
                if (seats < 1 || seats > MAX_SEATS) {
                    throw new IllegalArgumentException("seats must be from 1 to " + MAX_SEATS + ", not " + seats);
                }
            }
        }
        if (installationId != null && !INSTALLATION_ID.matcher(installationId).matches()) {
            throw new IllegalArgumentException("installationId " + quote(installationId)
                    + " is not valid: use 1-128 letters, digits, '.', '_' or '-'");
        }
    }

    /** The right to serve {@code product}; {@code installationId} may be null (not bound). */
    public static Entitlement server(String product, Instant starts, Instant expires, String installationId) {
        return new Entitlement(product, SERVER_FEATURE, EntitlementKind.SERVER, 0, starts, expires, installationId);
    }

    /** {@code seats} concurrent seats of {@code product}/{@code feature}. */
    public static Entitlement seats(String product, String feature, int seats, Instant starts, Instant expires) {
        return new Entitlement(product, feature, EntitlementKind.SEATS, seats, starts, expires, null);
    }

    /** True when {@code starts <= now < expires}. */
    public boolean activeAt(Instant now) {
        return !now.isBefore(starts) && !expiredAt(now);
    }

    /** True when it has an expiry and {@code now} has reached it. */
    public boolean expiredAt(Instant now) {
        return expires != null && !now.isBefore(expires);
    }

    /** True when {@code now} is before its start. */
    public boolean startsAfter(Instant now) {
        return now.isBefore(starts);
    }

    public boolean neverExpires() {
        return expires == null;
    }

    /** True when it is bound to an installation other than {@code ourInstallationId}. */
    public boolean boundToOtherThan(String ourInstallationId) {
        return installationId != null && !installationId.equals(ourInstallationId);
    }

    /** True for a product or feature name: 1-64 characters of {@code [A-Za-z0-9._-]}. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    private static void requireName(String field, String value) {
        if (value == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        if (!isValidName(value)) {
            throw new IllegalArgumentException(field + " " + quote(value)
                    + " is not a valid name: use 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    static String quote(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 70 ? value.substring(0, 70) + "..." : value;
        return '"' + shown + '"';
    }

    @Override
    public String toString() {
        return kind == EntitlementKind.SERVER
                ? "server " + product + " " + starts + ".." + (expires == null ? "never" : expires)
                        + (installationId == null ? "" : " @" + installationId)
                : seats + " seats " + product + "/" + feature + " " + starts + ".." + (expires == null ? "never" : expires);
    }
}
