package dev.usher.server.tls;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A self-signed certificate for a first HTTPS setup or a test: an EC P-256 key (every TLS 1.2+
 * client supports it) and a certificate for the given host names and IP addresses. Browsers and
 * clients must be told to trust it; a CA-issued certificate is what production wants.
 */
public final class SelfSignedCertificate {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private SelfSignedCertificate() {
    }

    /** The names a certificate for this machine should carry when none are given. */
    public static List<String> defaultHosts() {
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            hosts.add(java.net.InetAddress.getLocalHost().getHostName());
        } catch (IOException ignored) {
            // no resolvable host name: the loopback names still work
        }
        return List.copyOf(hosts);
    }

    public static CertificateAndKey generate(List<String> hosts, Duration validity, Instant now) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a certificate needs at least one host name");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("the validity must be at least one day");
        }
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = gen.generateKeyPair();
            X500Name subject = new X500Name("CN=" + hosts.getFirst().replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=Usher self-signed");
            var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(127, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), subject, keys.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String h : hosts) {
                names.add(isIpAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new CertificateAndKey(List.of(cert), keys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot create a certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isIpAddress(String h) {
        return IPV4.matcher(h).matches() || h.contains(":");
    }

    /** Writes {@code cert.pem} and {@code key.pem} (PKCS#8, readable only by the owner) into {@code dir}. */
    public static void write(CertificateAndKey material, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", material.certificate().getEncoded()), StandardCharsets.US_ASCII);
            Path key = dir.resolve("key.pem");
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, pem("PRIVATE KEY", material.key().getEncoded()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate to " + dir + ": " + e.getMessage(), e);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
