package dev.usher.core.license;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Keys and licenses shared by the license tests. Key generation is fast, but one pair per run keeps ids stable in a run. */
final class LicenseFixtures {

    static final KeyPair VENDOR = VendorKeys.generate();
    static final KeyPair OTHER_VENDOR = VendorKeys.generate();
    static final String VENDOR_KEY_ID = VendorKeys.keyId(VENDOR.getPublic());
    static final TrustedKeys TRUSTED = TrustedKeys.of(VENDOR.getPublic());

    static final String INSTALLATION = "5f0c7a52-3d1e-4a8b-9c6f-2b7e1d0a4c33";
    static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant STARTS = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant EXPIRES = Instant.parse("2027-01-01T00:00:00Z");
    static final Instant DURING = Instant.parse("2026-06-15T12:00:00Z");
    static final UUID LICENSE_ID = UUID.fromString("0b6e7a3c-1f2d-4e5a-8b9c-0d1e2f3a4b5c");

    private LicenseFixtures() {
    }

    /** A server entitlement bound to {@link #INSTALLATION} and 25 CAL seats, 2026. */
    static LicensePayload payload() {
        return payload(List.of(
                Entitlement.server("cad", STARTS, EXPIRES, INSTALLATION),
                Entitlement.seats("cad", "cal", 25, STARTS, EXPIRES)));
    }

    static LicensePayload payload(List<Entitlement> entitlements) {
        return new LicensePayload(LICENSE_ID, ISSUED, "ACME Engineering GmbH", entitlements);
    }

    static LicenseFile signed(LicensePayload payload) {
        return LicenseSigner.sign(payload, VENDOR.getPrivate(), VENDOR_KEY_ID);
    }

    static LicenseFile signed() {
        return signed(payload());
    }
}
