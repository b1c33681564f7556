package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {

    @TempDir
    Path dir;

    @Test
    void aMissingDirectoryTrustsNothing() {
        TrustedKeys keys = TrustedKeys.loadDirectory(dir.resolve("trusted-keys"));

        assertThat(keys.keyIds()).isEmpty();
        assertThat(keys.directory()).contains(dir.resolve("trusted-keys"));
    }

    @Test
    void loadsEveryPubFileAndIgnoresOtherFiles() throws Exception {
        KeyPair first = VendorKeys.generate();
        KeyPair second = VendorKeys.generate();
        VendorKeys.writePublicKey(first.getPublic(), dir.resolve("acme.pub"));
        VendorKeys.writePublicKey(second.getPublic(), dir.resolve("other.pub"));
        Files.writeString(dir.resolve("README.txt"), "not a key");
        VendorKeys.writePrivateKey(VendorKeys.generate().getPrivate(), dir.resolve("vendor.key"));

        TrustedKeys keys = TrustedKeys.loadDirectory(dir);

        assertThat(keys.keyIds()).containsExactlyInAnyOrder(VendorKeys.keyId(first.getPublic()), VendorKeys.keyId(second.getPublic()));
        assertThat(keys.find(VendorKeys.keyId(first.getPublic()))).contains(first.getPublic());
        assertThat(keys.find("0000000000000000")).isEmpty();
    }

    @Test
    void aGarbledPubFileFailsTheLoadNamingIt() throws Exception {
        VendorKeys.writePublicKey(VendorKeys.generate().getPublic(), dir.resolve("good.pub"));
        Path bad = Files.writeString(dir.resolve("bad.pub"), "hello");

        assertThatThrownBy(() -> TrustedKeys.loadDirectory(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(bad + ": ");
    }

    @Test
    void aKeyLicensesOnlyItsOwnProductsAndAProductClaimedByTwoKeysByNeither() {
        KeyPair acme = VendorKeys.generate();
        KeyPair other = VendorKeys.generate();
        String acmeId = VendorKeys.keyId(acme.getPublic());
        String otherId = VendorKeys.keyId(other.getPublic());
        TrustedKeys keys = TrustedKeys.of()
                .with(TrustedKey.of(acme.getPublic(), "Acme", ProductClaim.parseList("cad, acme-*")))
                .with(TrustedKey.of(other.getPublic(), "Other Corp", ProductClaim.parseList("viewer")));

        assertThat(keys.licensing(acmeId, "cad")).isInstanceOf(TrustedKeys.Licensing.Allowed.class);
        assertThat(keys.licensing(acmeId, "acme-cam")).isInstanceOf(TrustedKeys.Licensing.Allowed.class);
        assertThat(keys.licensing(otherId, "cad")).isEqualTo(new TrustedKeys.Licensing.Refused(
                "key " + otherId + " of vendor Other Corp may not license product cad (it may license viewer)"));
        assertThat(keys.conflicts()).isEmpty();

        KeyPair selfMade = VendorKeys.generate();
        String selfMadeId = VendorKeys.keyId(selfMade.getPublic());
        TrustedKey claimsCad = TrustedKey.of(selfMade.getPublic(), "Me", ProductClaim.parseList("cad"));
        assertThat(keys.claimedElsewhere(claimsCad)).extracting(TrustedKey::keyId).containsExactly(acmeId);
        TrustedKeys contested = keys.with(claimsCad);

        assertThat(contested.licensing(acmeId, "cad")).isEqualTo(new TrustedKeys.Licensing.Refused("key " + acmeId
                + " of vendor Acme may not license product cad: key " + selfMadeId + " of vendor Me claims it too, and a product"
                + " belongs to one key; remove the key that is not the vendor's from the trusted keys"));
        assertThat(contested.licensing(selfMadeId, "cad")).isInstanceOf(TrustedKeys.Licensing.Refused.class);
        assertThat(contested.licensing(acmeId, "acme-cam")).isInstanceOf(TrustedKeys.Licensing.Allowed.class);
        assertThat(contested.conflicts()).containsExactly(TrustedKeys.conflict(
                contested.key(acmeId.compareTo(selfMadeId) < 0 ? acmeId : selfMadeId).orElseThrow(),
                contested.key(acmeId.compareTo(selfMadeId) < 0 ? selfMadeId : acmeId).orElseThrow(), List.of(new ProductClaim("cad"))));
    }

    @Test
    void anOldKeyFileLicensesTheProductsOfTheInstalledFilesItSignedAndNoOthers() {
        KeyPair old = VendorKeys.generate();
        VendorKeys.writePublicKey(old.getPublic(), dir.resolve("old.pub"));
        String oldId = VendorKeys.keyId(old.getPublic());
        LicenseFile cad = LicenseSigner.sign(LicenseFixtures.payload(), old.getPrivate());
        LicenseFile forged = new LicenseFile(LicenseFixtures.payload(List.of(Entitlement.seats("cam", "cal", 5,
                LicenseFixtures.STARTS, LicenseFixtures.EXPIRES))), LicenseFixtures.payload(List.of(Entitlement.seats("cam", "cal", 5,
                LicenseFixtures.STARTS, LicenseFixtures.EXPIRES))).toJson(), oldId, cad.signature());

        TrustedKeys keys = TrustedKeys.loadDirectory(dir);
        assertThat(keys.licensing(oldId, "cad")).isInstanceOf(TrustedKeys.Licensing.Refused.class);
        TrustedKeys upgraded = keys.withProductsOfOldKeys(List.of(cad, forged));

        assertThat(upgraded.key(oldId).orElseThrow().productList()).isEqualTo("cad");
        assertThat(upgraded.licensing(oldId, "cad")).isInstanceOf(TrustedKeys.Licensing.Allowed.class);
        assertThat(((TrustedKeys.Licensing.Refused) upgraded.licensing(oldId, "cam")).message())
                .isEqualTo("key " + oldId + " of vendor (not named: old key file) may not license product cam (it may license cad):"
                        + " its key file is in the old format, which names no products; ask the vendor for its key file that names"
                        + " cam and put it into the trusted-keys directory in place of the old one");
    }

    @Test
    void theKeyFileNamingProductsWinsOverAnOldFileOfTheSameKey() {
        KeyPair pair = VendorKeys.generate();
        VendorKeys.writePublicKey(pair.getPublic(), dir.resolve("a-old.pub"));
        VendorKeys.writePublicKey(pair.getPublic(), "Acme", List.of(new ProductClaim("cad")), dir.resolve("b-new.pub"));
        VendorKeys.writePublicKey(pair.getPublic(), dir.resolve("c-old-again.pub"));

        TrustedKey key = TrustedKeys.loadDirectory(dir).key(VendorKeys.keyId(pair.getPublic())).orElseThrow();

        assertThat(key.oldFormat()).isFalse();
        assertThat(key.file()).isEqualTo(dir.resolve("b-new.pub"));
    }

    @Test
    void withMakesANewSetAndLeavesTheOldOneAlone() {
        KeyPair first = VendorKeys.generate();
        KeyPair second = VendorKeys.generate();
        TrustedKeys one = TrustedKeys.of(first.getPublic());

        TrustedKeys two = one.with(second.getPublic());

        assertThat(one.keyIds()).containsExactly(VendorKeys.keyId(first.getPublic()));
        assertThat(two.keyIds()).hasSize(2);
        assertThat(one.withAll(TrustedKeys.of(second.getPublic())).keyIds()).isEqualTo(two.keyIds());
        assertThatThrownBy(() -> two.keyIds().clear()).isInstanceOf(UnsupportedOperationException.class);
    }
}
