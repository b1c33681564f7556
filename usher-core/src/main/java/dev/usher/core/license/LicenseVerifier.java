package dev.usher.core.license;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a license file may be used, in this order, so the first message names the most basic problem:
 * <ol>
 *   <li>{@code unknown-key}: the key id is not among the trusted keys;</li>
 *   <li>{@code bad-signature}: the Ed25519 signature does not cover the payload bytes; only then is the JSON
 *       read again, from exactly the verified bytes ({@code malformed} if it does not parse);</li>
 *   <li>{@code product-not-allowed}: the key may not license one of its products (it is another vendor's
 *       product, or two trusted keys claim it);</li>
 *   <li>{@code wrong-installation}: an entitlement is bound to another installation id;</li>
 *   <li>{@code expired}: every entitlement has expired;</li>
 *   <li>{@code not-yet-valid}: no entitlement is active yet (some start later).</li>
 * </ol>
 * A file with some entitlements expired and others active is valid: the expired ones simply count for nothing.
 *
 * <p>{@link #verifyForInstall} is the check for adding a file to the inventory: a not-yet-valid file is accepted
 * there, because renewals are installed before the old license runs out and take effect by themselves.
 */
public final class LicenseVerifier {

    private LicenseVerifier() {
    }

    /** All checks; returns the verified payload or throws {@link LicenseRejection}. */
    public static LicensePayload verify(LicenseFile file, TrustedKeys trusted, String installationId, Instant now) {
        return check(file, trusted, installationId, now, false);
    }

    /** All checks except not-yet-valid: what a file must pass to be stored. */
    public static LicensePayload verifyForInstall(LicenseFile file, TrustedKeys trusted, String installationId, Instant now) {
        return check(file, trusted, installationId, now, true);
    }

    /**
     * Only the key and the signature (and that the signed bytes are a payload): for the vendor's
     * {@code inspect}, where there is no installation and time does not matter.
     */
    public static LicensePayload verifySignature(LicenseFile file, TrustedKeys trusted) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(trusted, "trusted");
        PublicKey key = trusted.find(file.keyId()).orElseThrow(() -> unknownKey(file, trusted));
        byte[] signed = file.payloadBytes();
        if (!signatureMatches(key, signed, file.signature())) {
            throw new LicenseRejection(RejectionReason.BAD_SIGNATURE, "the signature does not match the content: the license"
                    + " was changed after key " + file.keyId() + " signed it (one changed character is enough);"
                    + " ask the vendor for the original file and add it unchanged");
        }
        return LicensePayload.fromJson(signed);
    }

    /** The status of a license text; never throws for a bad license (only for null arguments). */
    public static LicenseStatus status(String text, TrustedKeys trusted, String installationId, Instant now) {
        LicenseFile file;
        try {
            file = LicenseFile.parse(text);
        } catch (LicenseRejection e) {
            return new LicenseStatus(e.reason(), e.getMessage(), null, null);
        }
        return status(file, trusted, installationId, now);
    }

    /** The status of a parsed license file; never throws for a bad license (only for null arguments). */
    public static LicenseStatus status(LicenseFile file, TrustedKeys trusted, String installationId, Instant now) {
        try {
            return LicenseStatus.valid(file, verify(file, trusted, installationId, now));
        } catch (LicenseRejection e) {
            LicensePayload shown = e.reason() == RejectionReason.MALFORMED ? null : file.payload();
            return new LicenseStatus(e.reason(), e.getMessage(), file.keyId(), shown);
        }
    }

    private static LicensePayload check(LicenseFile file, TrustedKeys trusted, String installationId, Instant now,
                                        boolean acceptNotYetValid) {
        Objects.requireNonNull(installationId, "installationId");
        Objects.requireNonNull(now, "now");
        LicensePayload payload = verifySignature(file, trusted);
        String license = "license " + payload.id();
        for (Entitlement e : payload.entitlements()) {
            if (trusted.licensing(file.keyId(), e.product()) instanceof TrustedKeys.Licensing.Refused refused) {
                throw new LicenseRejection(RejectionReason.PRODUCT_NOT_ALLOWED, refused.message());
            }
        }

        Optional<Entitlement> foreign = payload.entitlements().stream()
                .filter(e -> e.boundToOtherThan(installationId)).findFirst();
        if (foreign.isPresent()) {
            throw new LicenseRejection(RejectionReason.WRONG_INSTALLATION, license + " is bound to installation "
                    + foreign.get().installationId() + ", but this is installation " + installationId
                    + ": ask the vendor for a license for installation " + installationId + " (usher status shows it)");
        }
        if (payload.entitlements().stream().allMatch(e -> e.expiredAt(now))) {
            throw new LicenseRejection(RejectionReason.EXPIRED, license + " expired at " + payload.lastExpiry().orElseThrow()
                    + " (every entitlement in it has expired): ask the vendor for a renewal");
        }
        if (!acceptNotYetValid && payload.entitlements().stream().noneMatch(e -> e.activeAt(now))) {
            Instant first = payload.entitlements().stream().filter(e -> e.startsAfter(now))
                    .map(Entitlement::starts).min(Comparator.naturalOrder()).orElseThrow();
            throw new LicenseRejection(RejectionReason.NOT_YET_VALID, license + " is not valid yet: its first entitlement"
                    + " starts at " + first + " and takes effect then by itself");
        }
        return payload;
    }

    private static LicenseRejection unknownKey(LicenseFile file, TrustedKeys trusted) {
        String where = trusted.directory().map(dir -> dir + "/").orElse("DATA/trusted-keys/");
        String trusts = trusted.isEmpty() ? "no key at all" : "only " + String.join(", ", trusted.keyIds());
        return new LicenseRejection(RejectionReason.UNKNOWN_KEY, "signed by key " + file.keyId()
                + ", which this server does not trust (it trusts " + trusts + "): put the vendor's public key file into "
                + where + " (usher vendor keygen writes one, vendor.pub)");
    }

    private static boolean signatureMatches(PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (SignatureException e) {
            // Thrown for signatures that are not even well-formed (e.g. a point not on the curve): still a bad signature.
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify Ed25519 signatures: " + e.getMessage(), e);
        }
    }
}
