package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VendorKeyFileTest {

    private static final KeyPair PAIR = VendorKeys.generate();
    private static final String KEY_ID = VendorKeys.keyId(PAIR.getPublic());

    @TempDir
    Path dir;

    @Test
    void aKeyFileNamesItsVendorAndProductsAboveTheStandardPemBlock() {
        String text = VendorKeyFile.render(PAIR.getPublic(), "Acme Software", ProductClaim.parseList("cad, cam, acme-*"));

        assertThat(text).startsWith("# Usher vendor key " + KEY_ID + ": put this file into DATA/trusted-keys/")
                .contains("\nVendor: Acme Software\nProducts: cad, cam, acme-*\n-----BEGIN PUBLIC KEY-----\n")
                .endsWith("-----END PUBLIC KEY-----\n");
        TrustedKey key = VendorKeyFile.parse(text, "vendor.pub");
        assertThat(key.keyId()).isEqualTo(KEY_ID);
        assertThat(key.publicKey()).isEqualTo(PAIR.getPublic());
        assertThat(key.vendor()).isEqualTo("Acme Software");
        assertThat(key.productList()).isEqualTo("cad, cam, acme-*");
        assertThat(key.oldFormat()).isFalse();
        assertThat(key.covers("cad")).isTrue();
        assertThat(key.covers("acme-viewer")).isTrue();
        assertThat(key.covers("CAD")).isFalse();
        assertThat(key.covers("cadx")).isFalse();
    }

    @Test
    void aBarePemFileIsAnOldKeyFileThatNamesNothing() throws Exception {
        Path file = dir.resolve("old.pub");
        VendorKeys.writePublicKey(PAIR.getPublic(), file);

        TrustedKey key = VendorKeyFile.read(file);

        assertThat(key.oldFormat()).isTrue();
        assertThat(key.vendor()).isNull();
        assertThat(key.vendorName()).isEqualTo("(not named: old key file)");
        assertThat(key.products()).isEmpty();
        assertThat(key.file()).isEqualTo(file);
        assertThat(Files.readString(file)).startsWith("-----BEGIN PUBLIC KEY-----");
    }

    @Test
    void writesAndReadsTheFileItNames() {
        Path file = dir.resolve("vendor.pub");
        VendorKeys.writePublicKey(PAIR.getPublic(), "Acme", List.of(new ProductClaim("cad")), file);

        assertThat(VendorKeys.readPublicKey(file)).isEqualTo(PAIR.getPublic());
        assertThat(VendorKeyFile.read(file).vendor()).isEqualTo("Acme");
        assertThatThrownBy(() -> VendorKeys.writePublicKey(PAIR.getPublic(), "Acme", List.of(new ProductClaim("cad")), file))
                .hasMessageContaining("already exists");
    }

    @Test
    void aMisspeltOrHalfHeaderIsAnErrorNamingTheLine() {
        String pem = VendorKeyFile.render(PAIR.getPublic(), "Acme", List.of(new ProductClaim("cad")));
        String body = pem.substring(pem.indexOf("-----BEGIN"));

        assertThatThrownBy(() -> VendorKeyFile.parse("Vendor: Acme\nProduct: cad\n" + body, "k.pub"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("k.pub line 2: expected 'Vendor: NAME' or 'Products: cad, cam, acme-*', found \"Product: cad\"");
        assertThatThrownBy(() -> VendorKeyFile.parse("vendor: Acme\nProducts: cad\n" + body, "k.pub"))
                .hasMessageStartingWith("k.pub line 1: expected 'Vendor: NAME'");
        assertThat(VendorKeyFile.parse("Made by our tool\nVendor: Acme\nProducts: cad\n" + body, "k.pub").vendor()).isEqualTo("Acme");
        assertThatThrownBy(() -> VendorKeyFile.parse("Vendor: Acme\n" + body, "k.pub"))
                .hasMessage("k.pub: names a vendor but no 'Products:'; a vendor key file gives both above the key");
        assertThatThrownBy(() -> VendorKeyFile.parse("Vendor: Acme\nProducts: cad,,cam\n" + body, "k.pub"))
                .hasMessageStartingWith("k.pub line 2: the product list \"cad,,cam\" has an empty entry");
        assertThatThrownBy(() -> VendorKeyFile.parse("Vendor: Acme\nProducts: c*d\n" + body, "k.pub"))
                .hasMessageStartingWith("k.pub line 2: product \"c*d\" is not a product name or prefix");
        assertThatThrownBy(() -> VendorKeyFile.parse("Vendor: \nProducts: cad\n" + body, "k.pub"))
                .hasMessage("k.pub line 1: the vendor name is empty");
        assertThatThrownBy(() -> VendorKeyFile.parse("Vendor: Acme\nProducts: cad\n", "k.pub"))
                .hasMessageStartingWith("k.pub: expected a '-----BEGIN PUBLIC KEY-----' block");
    }

    @Test
    void claimsCoverNamesAndPrefixesAndOverlapWhenOneProductFitsBoth() {
        ProductClaim cad = new ProductClaim("cad");
        ProductClaim acme = new ProductClaim("acme-*");
        ProductClaim acmeCad = new ProductClaim("acme-cad*");
        ProductClaim any = new ProductClaim("*");

        assertThat(acme.covers("acme-")).isTrue();
        assertThat(any.covers("anything")).isTrue();
        assertThat(cad.overlaps(new ProductClaim("cad"))).isTrue();
        assertThat(cad.overlaps(new ProductClaim("cam"))).isFalse();
        assertThat(acme.overlaps(acmeCad)).isTrue();
        assertThat(acmeCad.overlaps(acme)).isTrue();
        assertThat(acme.overlaps(new ProductClaim("acme-viewer"))).isTrue();
        assertThat(new ProductClaim("acme-viewer").overlaps(acme)).isTrue();
        assertThat(acme.overlaps(cad)).isFalse();
        assertThat(any.overlaps(cad)).isTrue();
        assertThatThrownBy(() -> ProductClaim.parseList("cad, cad")).hasMessage("product cad is listed twice");
    }
}
