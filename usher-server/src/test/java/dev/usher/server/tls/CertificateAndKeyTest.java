package dev.usher.server.tls;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM keys in the forms administrators have them, and one-sentence refusals. */
class CertificateAndKeyTest {

    @TempDir
    Path dir;

    private static String openSslPem(Object key) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(key); // BEGIN RSA PRIVATE KEY (PKCS#1) / BEGIN EC PRIVATE KEY (SEC1), as openssl writes them
        }
        return w.toString();
    }

    @Test
    void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        PrivateKey rsaKey = rsa.generateKeyPair().getPrivate();
        Files.writeString(dir.resolve("rsa.pem"), openSslPem(rsaKey));
        assertThat(Files.readString(dir.resolve("rsa.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(CertificateAndKey.readKey(dir.resolve("rsa.pem")).getEncoded()).isEqualTo(rsaKey.getEncoded());

        CertificateAndKey ec = SelfSignedCertificate.generate(List.of("usher.corp.example"), Duration.ofDays(30), Instant.now());
        SelfSignedCertificate.write(ec, dir);
        assertThat(Files.readString(dir.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(CertificateAndKey.read(dir.resolve("cert.pem"), dir.resolve("key.pem")).key().getEncoded())
                .isEqualTo(ec.key().getEncoded());
        // SEC1 as openssl writes it: the curve named inside the key structure.
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(ec.key().getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        Files.writeString(dir.resolve("sec1.pem"), SelfSignedCertificate.pem("EC PRIVATE KEY", sec1.getEncoded()));
        assertThat(Files.readString(dir.resolve("sec1.pem"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(CertificateAndKey.read(dir.resolve("cert.pem"), dir.resolve("sec1.pem")).certificate()).isEqualTo(ec.certificate());
        assertThat(Files.getPosixFilePermissions(dir.resolve("key.pem")).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    }

    @Test
    void refusesAKeyOfAnotherCertificateAndFilesThatAreNotPem() throws Exception {
        CertificateAndKey one = SelfSignedCertificate.generate(List.of("a"), Duration.ofDays(1), Instant.now());
        CertificateAndKey other = SelfSignedCertificate.generate(List.of("b"), Duration.ofDays(1), Instant.now());
        SelfSignedCertificate.write(one, dir.resolve("one"));
        SelfSignedCertificate.write(other, dir.resolve("other"));
        assertThatThrownBy(() -> CertificateAndKey.read(dir.resolve("one/cert.pem"), dir.resolve("other/key.pem")))
                .hasMessageContaining("does not belong to the certificate");
        assertThatThrownBy(() -> CertificateAndKey.read(dir.resolve("one/key.pem"), dir.resolve("one/key.pem")))
                .hasMessageContaining("cannot read the certificate").hasMessageContaining("BEGIN CERTIFICATE");
        assertThatThrownBy(() -> CertificateAndKey.read(dir.resolve("one/cert.pem"), dir.resolve("one/cert.pem")))
                .hasMessageContaining("no private key in");
        StringWriter pkcs8 = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(pkcs8)) {
            pem.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(one.key(),
                    new org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                            .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).setPassword("secret".toCharArray()).build()));
        }
        StringWriter legacy = new StringWriter();
        try (JcaPEMWriter pem = new JcaPEMWriter(legacy)) {
            pem.writeObject(one.key(), new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-128-CBC")
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build("secret".toCharArray()));
        }
        for (StringWriter encrypted : List.of(pkcs8, legacy)) {
            Files.writeString(dir.resolve("encrypted.pem"), encrypted.toString());
            assertThatThrownBy(() -> CertificateAndKey.readKey(dir.resolve("encrypted.pem"))).hasMessageContaining("is encrypted");
        }
    }
}
