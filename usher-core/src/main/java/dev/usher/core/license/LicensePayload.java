package dev.usher.core.license;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The signed content of a license file: who it is for, what it grants, and which earlier files of the same
 * vendor it replaces ({@code supersedes}: a renewal names the files it renews, so they stop counting once it
 * starts, instead of stacking).
 *
 * <p>Its JSON form ({@link #toJson()}, {@link #fromJson(byte[])}) is the exact byte sequence the vendor signs;
 * see {@link PayloadJson} for the field layout and the strictness rules.
 */
public record LicensePayload(UUID id, Instant issued, String customer, List<Entitlement> entitlements, List<UUID> supersedes) {

    public static final int MAX_CUSTOMER_LENGTH = 200;
    public static final int MAX_SUPERSEDES = 100;

    /** A payload that supersedes nothing. */
    public LicensePayload(UUID id, Instant issued, String customer, List<Entitlement> entitlements) {
        this(id, issued, customer, entitlements, List.of());
    }

    public LicensePayload {
        if (id == null) {
            throw new IllegalArgumentException("id is missing");
        }
        if (issued == null) {
            throw new IllegalArgumentException("issued is missing");
        }
        if (customer == null || customer.isBlank()) {
            throw new IllegalArgumentException("customer is missing or blank");
        }
        if (customer.length() > MAX_CUSTOMER_LENGTH) {
            throw new IllegalArgumentException("customer is " + customer.length() + " characters long; at most "
                    + MAX_CUSTOMER_LENGTH + " are allowed");
        }
        // Customer names end up in one-line lists, logs and audit entries: a newline would forge a line.
        if (customer.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("customer contains a control character (newline, tab, ...)");
        }
        if (entitlements == null || entitlements.isEmpty()) {
            throw new IllegalArgumentException("entitlements is empty: a license grants at least one entitlement");
        }
        if (entitlements.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("entitlements contains null");
        }
        entitlements = List.copyOf(entitlements);
        supersedes = supersedes == null ? List.of() : List.copyOf(supersedes);
        if (supersedes.size() > MAX_SUPERSEDES) {
            throw new IllegalArgumentException("supersedes names " + supersedes.size() + " licenses; at most " + MAX_SUPERSEDES
                    + " are allowed");
        }
        if (supersedes.contains(id)) {
            throw new IllegalArgumentException("supersedes names the license's own id " + id);
        }
        if (supersedes.stream().distinct().count() != supersedes.size()) {
            throw new IllegalArgumentException("supersedes names a license twice");
        }
    }

    /** A new payload with a random id. */
    public static LicensePayload issue(String customer, List<Entitlement> entitlements, Instant issued) {
        return issue(customer, entitlements, issued, List.of());
    }

    /** A new payload with a random id that renews (supersedes) the licenses {@code supersedes}. */
    public static LicensePayload issue(String customer, List<Entitlement> entitlements, Instant issued, List<UUID> supersedes) {
        return new LicensePayload(UUID.randomUUID(), issued, customer, entitlements, supersedes);
    }

    /** The UTF-8 JSON bytes to sign. */
    public byte[] toJson() {
        return PayloadJson.write(this);
    }

    /** Reads payload JSON; throws {@link LicenseRejection} ({@link RejectionReason#MALFORMED}) saying what is wrong. */
    public static LicensePayload fromJson(byte[] json) {
        return PayloadJson.read(json);
    }

    /** The latest expiry of its entitlements; empty when one of them never expires. */
    public Optional<Instant> lastExpiry() {
        if (entitlements.stream().anyMatch(Entitlement::neverExpires)) {
            return Optional.empty();
        }
        return entitlements.stream().map(Entitlement::expires).max(Comparator.naturalOrder());
    }

    /** The earliest start among its entitlements. */
    public Instant firstStart() {
        return entitlements.stream().map(Entitlement::starts).min(Comparator.naturalOrder()).orElseThrow();
    }
}
