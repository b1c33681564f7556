package dev.usher.core.license;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;

/** Signs license payloads with the vendor's private key (the vendor side; Usher itself only verifies). */
public final class LicenseSigner {

    private LicenseSigner() {
    }

    /**
     * Signs the payload's JSON bytes. {@code keyId} must be the id of {@code key}'s public half: it is
     * checked here because a wrong id would only show up at the customer, as "unknown key".
     */
    public static LicenseFile sign(LicensePayload payload, PrivateKey key, String keyId) {
        String actual = VendorKeys.keyId(VendorKeys.publicKeyOf(key));
        if (!actual.equals(keyId)) {
            throw new IllegalArgumentException("key id " + keyId + " does not belong to this private key (its key id is "
                    + actual + ")");
        }
        byte[] bytes = payload.toJson();
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(bytes);
            return new LicenseFile(payload, bytes, keyId, signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    /** Signs with {@code key}, deriving the key id from it. */
    public static LicenseFile sign(LicensePayload payload, PrivateKey key) {
        return sign(payload, key, VendorKeys.keyId(VendorKeys.publicKeyOf(key)));
    }
}
