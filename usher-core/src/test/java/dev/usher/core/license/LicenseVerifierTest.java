package dev.usher.core.license;

import static dev.usher.core.license.LicenseFixtures.EXPIRES;
import static dev.usher.core.license.LicenseFixtures.INSTALLATION;
import static dev.usher.core.license.LicenseFixtures.OTHER_VENDOR;
import static dev.usher.core.license.LicenseFixtures.STARTS;
import static dev.usher.core.license.LicenseFixtures.TRUSTED;
import static dev.usher.core.license.LicenseFixtures.VENDOR;
import static dev.usher.core.license.LicenseFixtures.VENDOR_KEY_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LicenseVerifierTest {

    private static final Instant DURING = LicenseFixtures.DURING;
    private static final Duration NANO = Duration.ofNanos(1);
    private static final String LICENSE = "license " + LicenseFixtures.LICENSE_ID;

    @Test
    void acceptsAGenuineLicenseAfterTheRoundTripThroughText() {
        LicenseFile file = LicenseFile.parse(LicenseFixtures.signed().text());

        assertThat(LicenseVerifier.verify(file, TRUSTED, INSTALLATION, DURING)).isEqualTo(LicenseFixtures.payload());
    }

    @Test
    void acceptsPastedTextsWithCrlfAndIndentation() {
        String text = LicenseFixtures.signed().text();

        assertThat(LicenseVerifier.verify(LicenseFile.parse(text.replace("\n", "\r\n")), TRUSTED, INSTALLATION, DURING))
                .isEqualTo(LicenseFixtures.payload());
        assertThat(LicenseVerifier.verify(LicenseFile.parse("\n\n\t   " + text + "\n  \n"), TRUSTED, INSTALLATION, DURING))
                .isEqualTo(LicenseFixtures.payload());
    }

    @Test
    void unknownKey() {
        TrustedKeys otherVendorOnly = TrustedKeys.of(OTHER_VENDOR.getPublic());
        String otherKeyId = VendorKeys.keyId(OTHER_VENDOR.getPublic());

        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), otherVendorOnly, INSTALLATION, DURING),
                RejectionReason.UNKNOWN_KEY)
                .hasMessage("signed by key " + VENDOR_KEY_ID + ", which this server does not trust (it trusts only "
                        + otherKeyId + "): put the vendor's public key file into DATA/trusted-keys/"
                        + " (usher vendor keygen writes one, vendor.pub)");
        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), TrustedKeys.of(), INSTALLATION, DURING),
                RejectionReason.UNKNOWN_KEY)
                .hasMessageContaining("(it trusts no key at all)");
    }

    @Test
    void aKeyMayNotLicenseAnotherVendorsProduct() {
        TrustedKeys keys = TrustedKeys.of().with(TrustedKey.of(VENDOR.getPublic(), "Acme", ProductClaim.parseList("cam")));

        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), keys, INSTALLATION, DURING),
                RejectionReason.PRODUCT_NOT_ALLOWED)
                .hasMessage("key " + VENDOR_KEY_ID + " of vendor Acme may not license product cad (it may license cam)");
        assertThat(LicenseVerifier.status(LicenseFixtures.signed(), keys, INSTALLATION, DURING).payloadVerified()).isTrue();
        // The vendor's own tool checks only the signature.
        assertThat(LicenseVerifier.verifySignature(LicenseFixtures.signed(), keys)).isEqualTo(LicenseFixtures.payload());
    }

    @Test
    void unknownKeyNamesTheDirectoryTheKeysCameFrom(@TempDir Path data) {
        Path trustedKeys = data.resolve("trusted-keys");

        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), TrustedKeys.loadDirectory(trustedKeys),
                INSTALLATION, DURING), RejectionReason.UNKNOWN_KEY)
                .hasMessageContaining("put the vendor's public key file into " + trustedKeys + "/ ");
    }

    @Test
    void badSignatureWhenAnotherKeySignedUnderOurKeyId() {
        LicenseFile genuine = LicenseFixtures.signed();
        LicenseFile foreign = LicenseSigner.sign(genuine.payload(), OTHER_VENDOR.getPrivate());
        LicenseFile forged = new LicenseFile(genuine.payload(), genuine.payloadBytes(), VENDOR_KEY_ID, foreign.signature());

        assertRejected(() -> LicenseVerifier.verify(forged, TRUSTED, INSTALLATION, DURING), RejectionReason.BAD_SIGNATURE)
                .hasMessage("the signature does not match the content: the license was changed after key " + VENDOR_KEY_ID
                        + " signed it (one changed character is enough); ask the vendor for the original file and add it unchanged");
    }

    @Test
    void badSignatureWhenThePayloadWasChanged() {
        LicenseFile genuine = LicenseFixtures.signed();
        LicensePayload more = LicenseFixtures.payload(List.of(
                Entitlement.server("cad", STARTS, EXPIRES, INSTALLATION),
                Entitlement.seats("cad", "cal", 2500, STARTS, EXPIRES)));
        LicenseFile changed = new LicenseFile(more, more.toJson(), VENDOR_KEY_ID, genuine.signature());

        assertRejected(() -> LicenseVerifier.verify(changed, TRUSTED, INSTALLATION, DURING), RejectionReason.BAD_SIGNATURE);
        assertRejected(() -> LicenseVerifier.verify(LicenseFile.parse(changed.text()), TRUSTED, INSTALLATION, DURING),
                RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void unknownKeyIsReportedBeforeBadSignature() {
        LicenseFile genuine = LicenseFixtures.signed();
        LicenseFile broken = new LicenseFile(genuine.payload(), genuine.payloadBytes(), VENDOR_KEY_ID, new byte[64]);

        assertRejected(() -> LicenseVerifier.verify(broken, TrustedKeys.of(OTHER_VENDOR.getPublic()), INSTALLATION, DURING),
                RejectionReason.UNKNOWN_KEY);
    }

    @Test
    void wrongInstallation() {
        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), TRUSTED, "other-installation", DURING),
                RejectionReason.WRONG_INSTALLATION)
                .hasMessage(LICENSE + " is bound to installation " + INSTALLATION + ", but this is installation"
                        + " other-installation: ask the vendor for a license for installation other-installation"
                        + " (usher status shows it)");
    }

    @Test
    void wrongInstallationIsReportedBeforeExpiryAndAfterTheSignature() {
        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), TRUSTED, "other", EXPIRES),
                RejectionReason.WRONG_INSTALLATION);
        assertRejected(() -> LicenseVerifier.verify(LicenseFixtures.signed(), TrustedKeys.of(), "other", EXPIRES),
                RejectionReason.UNKNOWN_KEY);
    }

    @Test
    void expiredWhenEveryEntitlementHasExpired() {
        LicenseFile file = LicenseFixtures.signed(LicenseFixtures.payload(List.of(
                Entitlement.server("cad", STARTS, EXPIRES.minus(Duration.ofDays(30)), INSTALLATION),
                Entitlement.seats("cad", "cal", 25, STARTS, EXPIRES))));

        assertThat(LicenseVerifier.verify(file, TRUSTED, INSTALLATION, EXPIRES.minus(NANO))).isNotNull();
        assertRejected(() -> LicenseVerifier.verify(file, TRUSTED, INSTALLATION, EXPIRES), RejectionReason.EXPIRED)
                .hasMessage(LICENSE + " expired at 2027-01-01T00:00:00Z (every entitlement in it has expired):"
                        + " ask the vendor for a renewal");
    }

    @Test
    void notYetValidWhenNoEntitlementHasStarted() {
        LicenseFile file = LicenseFixtures.signed();

        assertRejected(() -> LicenseVerifier.verify(file, TRUSTED, INSTALLATION, STARTS.minus(NANO)),
                RejectionReason.NOT_YET_VALID)
                .hasMessage(LICENSE + " is not valid yet: its first entitlement starts at 2026-01-01T00:00:00Z"
                        + " and takes effect then by itself");
        assertThat(LicenseVerifier.verify(file, TRUSTED, INSTALLATION, STARTS)).isNotNull();
    }

    @Test
    void aRenewalWithTheOldPartExpiredAndTheNewNotStartedIsNotYetValidNotExpired() {
        Instant renewal = EXPIRES.plus(Duration.ofDays(1));
        LicenseFile file = LicenseFixtures.signed(LicenseFixtures.payload(List.of(
                Entitlement.seats("cad", "cal", 25, STARTS, EXPIRES),
                Entitlement.seats("cad", "cal", 30, renewal, null))));

        assertRejected(() -> LicenseVerifier.verify(file, TRUSTED, INSTALLATION, EXPIRES), RejectionReason.NOT_YET_VALID)
                .hasMessageContaining("starts at " + renewal);
    }

    @Test
    void aPartlyExpiredLicenseIsValid() {
        LicenseFile file = LicenseFixtures.signed(LicenseFixtures.payload(List.of(
                Entitlement.server("cad", STARTS, null, null),
                Entitlement.seats("cad", "cal", 25, STARTS, EXPIRES))));

        assertThat(LicenseVerifier.verify(file, TRUSTED, "any-installation", EXPIRES.plus(Duration.ofDays(400))))
                .isEqualTo(file.payload());
    }

    @Test
    void verifyForInstallAcceptsNotYetValidButNothingElse() {
        LicenseFile file = LicenseFixtures.signed();

        assertThat(LicenseVerifier.verifyForInstall(file, TRUSTED, INSTALLATION, STARTS.minus(NANO)))
                .isEqualTo(file.payload());
        assertRejected(() -> LicenseVerifier.verifyForInstall(file, TRUSTED, INSTALLATION, EXPIRES), RejectionReason.EXPIRED);
        assertRejected(() -> LicenseVerifier.verifyForInstall(file, TRUSTED, "other", DURING), RejectionReason.WRONG_INSTALLATION);
        assertRejected(() -> LicenseVerifier.verifyForInstall(file, TrustedKeys.of(), INSTALLATION, DURING), RejectionReason.UNKNOWN_KEY);
    }

    @Test
    void verifySignatureIgnoresTimeAndInstallation() {
        LicenseFile file = LicenseFixtures.signed();

        assertThat(LicenseVerifier.verifySignature(file, TRUSTED)).isEqualTo(file.payload());
        assertRejected(() -> LicenseVerifier.verifySignature(file, TrustedKeys.of(OTHER_VENDOR.getPublic())),
                RejectionReason.UNKNOWN_KEY);
    }

    @Test
    void statusReportsInsteadOfThrowing() {
        String text = LicenseFixtures.signed().text();

        LicenseStatus valid = LicenseVerifier.status(text, TRUSTED, INSTALLATION, DURING);
        assertThat(valid.valid()).isTrue();
        assertThat(valid.code()).isEqualTo("valid");
        assertThat(valid.payload()).isEqualTo(LicenseFixtures.payload());
        assertThat(valid.payloadVerified()).isTrue();
        assertThat(valid.keyId()).isEqualTo(VENDOR_KEY_ID);

        LicenseStatus expired = LicenseVerifier.status(text, TRUSTED, INSTALLATION, EXPIRES);
        assertThat(expired.reason()).isEqualTo(RejectionReason.EXPIRED);
        assertThat(expired.code()).isEqualTo("expired");
        assertThat(expired.message()).startsWith(LICENSE + " expired at");
        assertThat(expired.payloadVerified()).isTrue();

        LicenseStatus unknown = LicenseVerifier.status(text, TrustedKeys.of(), INSTALLATION, DURING);
        assertThat(unknown.reason()).isEqualTo(RejectionReason.UNKNOWN_KEY);
        assertThat(unknown.payload()).isEqualTo(LicenseFixtures.payload());
        assertThat(unknown.payloadVerified()).isFalse();

        LicenseStatus malformed = LicenseVerifier.status("hello", TRUSTED, INSTALLATION, DURING);
        assertThat(malformed.reason()).isEqualTo(RejectionReason.MALFORMED);
        assertThat(malformed.message()).startsWith("line 1: expected '-----BEGIN USHER LICENSE-----'");
        assertThat(malformed.payload()).isNull();
        assertThat(malformed.keyId()).isNull();
        assertThat(malformed.payloadVerified()).isFalse();
    }

    @Test
    void signerRefusesAKeyIdThatIsNotItsKeys() {
        String otherKeyId = VendorKeys.keyId(OTHER_VENDOR.getPublic());

        assertThatThrownBy(() -> LicenseSigner.sign(LicenseFixtures.payload(), VENDOR.getPrivate(), otherKeyId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("key id " + otherKeyId + " does not belong to this private key (its key id is " + VENDOR_KEY_ID + ")");
    }

    @Test
    void reasonsHaveKebabCaseCodes() {
        assertThat(List.of(RejectionReason.values())).extracting(RejectionReason::code).containsExactly(
                "malformed", "unknown-key", "bad-signature", "product-not-allowed", "not-yet-valid", "expired", "wrong-installation");
        assertThat(RejectionReason.fromCode("unknown-key")).isEqualTo(RejectionReason.UNKNOWN_KEY);
        assertThat(RejectionReason.fromCode("UNKNOWN_KEY")).isNull();
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
            org.assertj.core.api.ThrowableAssert.ThrowingCallable call, RejectionReason reason) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(LicenseRejection.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
