package dev.usher.server.install;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.core.license.ProductClaim;
import dev.usher.core.license.VendorKeys;
import dev.usher.server.license.LicenseService;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code --demo}: a vendor key of its own and a license for product {@code demo} (a server
 * entitlement bound to this installation and 25 {@code cal} seats for a year), so a newcomer can
 * take a seat with one curl. A second start reuses what exists.
 */
public final class DemoSetup {

    public static final String PRODUCT = "demo";
    public static final String FEATURE = "cal";
    public static final int SEATS = 25;
    public static final String VENDOR = "Usher demo vendor";

    private DemoSetup() {
    }

    /** Ensures the demo key and license exist; returns true if it created the license now. */
    public static boolean ensure(DataDirectory dir, LicenseService licenses, String installationId, Instant now) {
        Path keyFile = dir.demoVendorKey();
        Path pubFile = dir.trustedKeys().resolve("demo-vendor.pub");
        PrivateKey key;
        if (Files.exists(keyFile)) {
            key = VendorKeys.readPrivateKey(keyFile);
        } else {
            KeyPair pair = VendorKeys.generate();
            VendorKeys.writePrivateKey(pair.getPrivate(), keyFile);
            key = pair.getPrivate();
        }
        if (!Files.exists(pubFile)) {
            VendorKeys.writePublicKey(VendorKeys.publicKeyOf(key), VENDOR, List.of(new ProductClaim(PRODUCT)), pubFile);
        }
        boolean hasDemo = licenses.inventory().licenses().stream()
                .anyMatch(l -> l.payload().entitlements().stream().anyMatch(e -> e.product().equals(PRODUCT)));
        if (hasDemo) {
            return false;
        }
        Instant start = now.truncatedTo(ChronoUnit.SECONDS);
        Instant end = start.plus(365, ChronoUnit.DAYS);
        LicensePayload payload = LicensePayload.issue("Demo customer", List.of(
                Entitlement.server(PRODUCT, start, end, installationId),
                Entitlement.seats(PRODUCT, FEATURE, SEATS, start, end)), start);
        licenses.add(LicenseSigner.sign(payload, key).text());
        return true;
    }
}
