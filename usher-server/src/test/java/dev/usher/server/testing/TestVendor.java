package dev.usher.server.testing;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseSigner;
import dev.usher.core.license.ProductClaim;
import dev.usher.core.license.VendorKeyFile;
import dev.usher.core.license.VendorKeys;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A vendor for tests: its own key pair, and license files made to order. */
public final class TestVendor {

    private final KeyPair keys;

    public TestVendor() {
        this(VendorKeys.generate());
    }

    private TestVendor(KeyPair keys) {
        this.keys = keys;
    }

    /**
     * The test vendor of a data directory: the one a server on it had before (its private key is kept there), so a
     * second server started on the directory trusts the same key, as a restart would, instead of adding a second key
     * that claims every product too (a product belongs to one key).
     */
    public static TestVendor of(Path dataDir) {
        Path file = dataDir.resolve("test-vendor.key");
        if (java.nio.file.Files.exists(file)) {
            var key = VendorKeys.readPrivateKey(file);
            return new TestVendor(new KeyPair(VendorKeys.publicKeyOf(key), key));
        }
        TestVendor vendor = new TestVendor();
        try {
            java.nio.file.Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        VendorKeys.writePrivateKey(vendor.keys.getPrivate(), file);
        return vendor;
    }

    /**
     * Puts the key file into a server's trusted-keys directory, naming vendor "Test vendor" and every product
     * ({@code *}: tests license whatever product they like).
     */
    public void trustIn(Path dataDir) {
        trustIn(dataDir, "Test vendor", "*");
    }

    /** Puts the key file into a server's trusted-keys directory, naming {@code vendor} and {@code products}. */
    public Path trustIn(Path dataDir, String vendor, String products) {
        Path file = dataDir.resolve("trusted-keys").resolve("test-vendor-" + keyId() + ".pub");
        try {
            java.nio.file.Files.deleteIfExists(file); // trusted before (a restart): the same key, maybe other products
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        VendorKeys.writePublicKey(keys.getPublic(), vendor, ProductClaim.parseList(products), file);
        return file;
    }

    /** The text of this vendor's key file naming {@code vendor} and {@code products}. */
    public String keyFile(String vendor, String products) {
        return VendorKeyFile.render(keys.getPublic(), vendor, ProductClaim.parseList(products));
    }

    public String keyId() {
        return VendorKeys.keyId(keys.getPublic());
    }

    public KeyPair keys() {
        return keys;
    }

    /** Starts a license for {@code customer}; add entitlements, then {@link Builder#text()}. */
    public Builder license(Instant issued) {
        return new Builder(issued);
    }

    /** A server entitlement for {@code product} bound to {@code installationId} plus {@code seats} of {@code feature}. */
    public String serverAndSeats(String installationId, String product, String feature, int seats, Instant starts, Instant expires) {
        return license(starts).server(product, installationId, starts, expires).seats(product, feature, seats, starts, expires).text();
    }

    public final class Builder {
        private final Instant issued;
        private final List<Entitlement> entitlements = new ArrayList<>();
        private String customer = "Test customer";

        private Builder(Instant issued) {
            this.issued = issued;
        }

        public Builder customer(String c) {
            customer = c;
            return this;
        }

        public Builder server(String product, String installationId, Instant starts, Instant expires) {
            entitlements.add(Entitlement.server(product, starts, expires, installationId));
            return this;
        }

        public Builder seats(String product, String feature, int seats, Instant starts, Instant expires) {
            entitlements.add(Entitlement.seats(product, feature, seats, starts, expires));
            return this;
        }

        private final List<java.util.UUID> supersedes = new ArrayList<>();

        /** Renews (supersedes) license {@code id}. */
        public Builder supersedes(String id) {
            supersedes.add(java.util.UUID.fromString(id));
            return this;
        }

        public LicensePayload payload() {
            return LicensePayload.issue(customer, entitlements, issued, supersedes);
        }

        public String text() {
            return LicenseSigner.sign(payload(), keys.getPrivate()).text();
        }
    }
}
