package dev.usher.server.tls;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The certificate chain and private key the HTTPS connector presents, read from PEM files as
 * administrators get them from their CA or from {@code certbot}/{@code openssl}: the key may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}). Every problem is one sentence naming the file.
 */
public record CertificateAndKey(List<X509Certificate> chain, PrivateKey key) {

    public CertificateAndKey {
        chain = List.copyOf(chain);
    }

    public static CertificateAndKey read(Path certificatePem, Path privateKeyPem) {
        List<X509Certificate> chain = readChain(certificatePem);
        PrivateKey key = readKey(privateKeyPem);
        if (!matches(key, chain.getFirst())) {
            throw new IllegalArgumentException("the private key " + privateKeyPem + " does not belong to the certificate in "
                    + certificatePem + " (" + chain.getFirst().getSubjectX500Principal().getName() + ")");
        }
        return new CertificateAndKey(chain, key);
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** The served certificate's DER in base64: what a local admin command pins. */
    public String certificateBase64() {
        try {
            return java.util.Base64.getEncoder().encodeToString(certificate().getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("the certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    public Instant notAfter() {
        return certificate().getNotAfter().toInstant();
    }

    /** A key store held only in memory (nothing written to disk), protected by {@code password}. */
    public KeyStore keyStore(char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("usher", key, password, chain.toArray(Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot hold the HTTPS key in a key store: " + e.getMessage(), e);
        }
    }

    static List<X509Certificate> readChain(Path file) {
        byte[] bytes = readFile(file, "certificate");
        try {
            List<X509Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(bytes)).stream().map(c -> (X509Certificate) c).toList();
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file + " (expected PEM: -----BEGIN CERTIFICATE-----)");
            }
            return certs;
        } catch (java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("cannot read the certificate " + file + " (expected PEM: -----BEGIN CERTIFICATE-----): "
                    + e.getMessage(), e);
        }
    }

    static PrivateKey readKey(Path file) {
        String text = new String(readFile(file, "private key"), StandardCharsets.US_ASCII);
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o; (o = parser.readObject()) != null; ) {
                switch (o) {
                    case PrivateKeyInfo info -> {
                        return converter.getPrivateKey(info);
                    }
                    case PEMKeyPair pair -> {
                        return converter.getPrivateKey(pair.getPrivateKeyInfo()); // SEC1 may omit the public key
                    }
                    case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(file);
                    case PEMEncryptedKeyPair ignored -> throw encrypted(file);
                    default -> {
                        // parameters (BEGIN EC PARAMETERS) or a certificate in the same file: keep looking
                    }
                }
            }
        } catch (PEMException e) {
            throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the private key " + file + ": " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("no private key in " + file
                + " (expected PEM: BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY)");
    }

    private static IllegalArgumentException encrypted(Path file) {
        return new IllegalArgumentException("the private key " + file + " is encrypted: Usher needs it unencrypted"
                + " (e.g. openssl pkey -in KEY -out key.pem) in a file only the server's user can read");
    }

    private static byte[] readFile(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("the " + what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Signs a challenge with the key and checks it with the certificate: works for RSA, EC and EdDSA alike. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            return true; // an unusual key type: the TLS handshake will tell
        }
        try {
            byte[] challenge = "usher-key-check".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(challenge);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(challenge);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
