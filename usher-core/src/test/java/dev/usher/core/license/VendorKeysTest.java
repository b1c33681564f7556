package dev.usher.core.license;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VendorKeysTest {

    // RFC 8032, section 7.1, TEST 1: a known Ed25519 seed and its public key.
    private static final String RFC8032_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private static final String RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    // The fixed DER prefixes of RFC 8410 PKCS#8 and SubjectPublicKeyInfo encodings for Ed25519.
    private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";
    private static final String SPKI_PREFIX = "302a300506032b6570032100";

    @TempDir
    Path dir;

    @Test
    void privateKeyFileIsOwnerReadWriteOnly() throws Exception {
        Path file = dir.resolve("vendor.key");

        VendorKeys.writePrivateKey(VendorKeys.generate().getPrivate(), file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void keysRoundTripThroughPem() throws Exception {
        KeyPair pair = VendorKeys.generate();
        Path privateFile = dir.resolve("vendor.key");
        Path publicFile = dir.resolve("vendor.pub");

        VendorKeys.writePrivateKey(pair.getPrivate(), privateFile);
        VendorKeys.writePublicKey(pair.getPublic(), publicFile);

        assertThat(Files.readString(privateFile)).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(VendorKeys.readPrivateKey(privateFile).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
        assertThat(VendorKeys.readPublicKey(publicFile).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        LicenseFile signedWithReadKey = LicenseSigner.sign(LicenseFixtures.payload(), VendorKeys.readPrivateKey(privateFile));
        assertThat(LicenseVerifier.verifySignature(signedWithReadKey, TrustedKeys.of(VendorKeys.readPublicKey(publicFile))))
                .isEqualTo(LicenseFixtures.payload());
    }

    @Test
    void refusesToOverwriteKeyFiles() throws Exception {
        Path file = dir.resolve("vendor.key");
        Files.writeString(file, "precious");

        assertThatThrownBy(() -> VendorKeys.writePrivateKey(VendorKeys.generate().getPrivate(), file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(file + ": already exists; refusing to overwrite a key file");
        assertThatThrownBy(() -> VendorKeys.writePublicKey(VendorKeys.generate().getPublic(), file))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Files.readString(file)).isEqualTo("precious");
    }

    @Test
    void keyIdIsTheStartOfTheSha256OfTheEncodedPublicKey() throws Exception {
        PublicKey key = readPublicPem(SPKI_PREFIX + RFC8032_PUBLIC);
        String expected = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(HexFormat.of().parseHex(SPKI_PREFIX + RFC8032_PUBLIC))).substring(0, 16);

        assertThat(VendorKeys.keyId(key)).isEqualTo(expected).matches("[0-9a-f]{16}");
        assertThat(VendorKeys.keyId(readPublicPem(SPKI_PREFIX + RFC8032_PUBLIC))).isEqualTo(VendorKeys.keyId(key));
        assertThat(VendorKeys.keyId(VendorKeys.generate().getPublic())).isNotEqualTo(VendorKeys.keyId(key));
    }

    @Test
    void derivesThePublicKeyOfAKnownSeed() throws Exception {
        PrivateKey privateKey = readPrivatePem(PKCS8_PREFIX + RFC8032_SEED);

        assertThat(HexFormat.of().formatHex(VendorKeys.publicKeyOf(privateKey).getEncoded()))
                .isEqualTo(SPKI_PREFIX + RFC8032_PUBLIC);
    }

    @Test
    void derivesThePublicKeyOfFreshKeys() {
        for (int i = 0; i < 20; i++) {
            KeyPair pair = VendorKeys.generate();
            assertThat(VendorKeys.publicKeyOf(pair.getPrivate()).getEncoded()).isEqualTo(pair.getPublic().getEncoded());
        }
    }

    @Test
    void garbledFilesGiveOneLineNamingTheFile() throws Exception {
        Path garbled = Files.writeString(dir.resolve("garbled.pub"), "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n");
        Path empty = Files.writeString(dir.resolve("empty.pub"), "");
        Path privateAsPublic = dir.resolve("vendor.key");
        VendorKeys.writePrivateKey(VendorKeys.generate().getPrivate(), privateAsPublic);
        Path notEd25519 = Files.writeString(dir.resolve("rsa.pub"), pem("PUBLIC KEY",
                KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic().getEncoded()));

        assertThatThrownBy(() -> VendorKeys.readPublicKey(garbled)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(garbled + ": the public key block is not valid base64");
        assertThatThrownBy(() -> VendorKeys.readPublicKey(empty))
                .hasMessage(empty + ": expected a '-----BEGIN PUBLIC KEY-----' block, found no PEM block");
        assertThatThrownBy(() -> VendorKeys.readPublicKey(privateAsPublic))
                .hasMessage(privateAsPublic + ": expected a '-----BEGIN PUBLIC KEY-----' block, found '-----BEGIN PRIVATE KEY-----'");
        assertThatThrownBy(() -> VendorKeys.readPublicKey(notEd25519)).hasMessage(notEd25519 + ": not an Ed25519 public key");
        assertThatThrownBy(() -> VendorKeys.readPrivateKey(dir.resolve("missing.key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(dir.resolve("missing.key") + ": no such file");
    }

    @Test
    void readsPemWithTextAroundItAsOpenSslWrites() throws Exception {
        Path file = Files.writeString(dir.resolve("openssl.pub"),
                "ED25519 Public-Key:\n" + pem("PUBLIC KEY", HexFormat.of().parseHex(SPKI_PREFIX + RFC8032_PUBLIC)));

        assertThat(VendorKeys.readPublicKey(file).getEncoded()).isEqualTo(HexFormat.of().parseHex(SPKI_PREFIX + RFC8032_PUBLIC));
    }

    private PublicKey readPublicPem(String derHex) throws Exception {
        Path file = Files.createTempFile(dir, "key", ".pub");
        Files.writeString(file, pem("PUBLIC KEY", HexFormat.of().parseHex(derHex)));
        return VendorKeys.readPublicKey(file);
    }

    private PrivateKey readPrivatePem(String derHex) throws Exception {
        Path file = Files.createTempFile(dir, "key", ".key");
        Files.writeString(file, pem("PRIVATE KEY", HexFormat.of().parseHex(derHex)));
        return VendorKeys.readPrivateKey(file);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
