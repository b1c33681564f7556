package dev.usher.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The vendor's public key, pinned in the application, and the check that a seat is backed by a license file that
 * key signed for the product and feature.
 *
 * <p>Every checkout answer carries the signed license files that back the pool. A seat is accepted only when at
 * least one of them verifies with this key (Ed25519, over the exact signed bytes) and grants seats of this product
 * and feature. That catches a license the customer signed with a key of their own, and a license signed by another
 * vendor's key; it cannot catch a license server whose program was modified to lie (nothing a client can check
 * without a connection to the vendor can).
 *
 * <p>Ed25519 is in the JDK from Java 15 on: on Java 11 to 14 a pinned key is refused when the client is built,
 * saying so, rather than silently accepting every seat. Written for Java 11 (no records or pattern matching), like
 * the rest of the library's public surface.
 */
final class VendorKey {

    private static final String HEADER = "-----BEGIN USHER LICENSE-----";
    private static final String FOOTER = "-----END USHER LICENSE-----";

    private final PublicKey key;
    private final String keyId;

    private VendorKey(PublicKey key, String keyId) {
        this.key = key;
        this.keyId = keyId;
    }

    /**
     * Reads the vendor's key: the text of its {@code vendor.pub} file (the lines above the PEM block are ignored) or
     * the base64 of the X.509 key alone.
     */
    static VendorKey parse(String text) {
        if (text == null || text.trim().isEmpty()) {
            throw new IllegalArgumentException("the vendor key is empty: pass the text of your vendor.pub file");
        }
        String body = text;
        int begin = text.indexOf("-----BEGIN PUBLIC KEY-----");
        if (begin >= 0) {
            int end = text.indexOf("-----END PUBLIC KEY-----", begin);
            if (end < 0) {
                throw new IllegalArgumentException("the vendor key has '-----BEGIN PUBLIC KEY-----' but no '-----END PUBLIC KEY-----'");
            }
            body = text.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end);
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the vendor key is not valid base64: pass the text of your vendor.pub file");
        }
        KeyFactory factory;
        try {
            factory = KeyFactory.getInstance("Ed25519");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("checking the vendor's signature needs Ed25519, which Java has from version 15 on;"
                    + " this is Java " + System.getProperty("java.specification.version")
                    + ": run the application on Java 15 or newer, or build the client without vendorKey(...)", e);
        }
        try {
            PublicKey key = factory.generatePublic(new X509EncodedKeySpec(der));
            return new VendorKey(key, keyId(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the vendor key is not an Ed25519 public key: pass the text of your vendor.pub file");
        }
    }

    /** The key id Usher shows: the first 16 hex digits of the SHA-256 of the X.509 encoding. */
    static String keyId(byte[] x509) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(x509);
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i] & 0xff));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }

    String keyId() {
        return keyId;
    }

    /**
     * Throws {@link UntrustedLicense} unless one of the checkout answer's {@code licenses} is signed by this key and
     * grants seats of {@code product}/{@code feature}.
     */
    void check(Map<String, Object> checkout, String product, String feature, int status) {
        Object listed = checkout.get("licenses");
        List<String> seenKeys = new ArrayList<>();
        if (listed instanceof List) {
            for (Object item : (List<?>) listed) {
                if (!(item instanceof Map)) {
                    continue;
                }
                Object text = ((Map<?, ?>) item).get("text");
                String signer = text instanceof String ? signedBy((String) text) : null;
                if (signer != null && !seenKeys.contains(signer)) {
                    seenKeys.add(signer);
                }
                if (signer != null && signer.equals(keyId) && grants((String) text, product, feature)) {
                    return;
                }
            }
        }
        throw new UntrustedLicense(status, "The license server offered a seat of " + product + " " + feature + ", but no license"
                + " file signed by the vendor of this application backs it (vendor key " + keyId + "; the server's files are signed by "
                + (seenKeys.isEmpty() ? "no key at all" : "key " + String.join(", key ", seenKeys))
                + "). The seat was given back. Ask your administrator to install the license file the vendor sent.");
    }

    /** The key id a license text names, or null when it is not a license text. */
    private static String signedBy(String text) {
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("Key-Id: ")) {
                return line.substring("Key-Id: ".length()).trim();
            }
        }
        return null;
    }

    /** True when the text's signature verifies with this key and its payload grants seats of the pool. */
    private boolean grants(String text, String product, String feature) {
        String[] lines = text.trim().split("\r?\n");
        int payload = indexOf(lines, "Payload:");
        int signature = indexOf(lines, "Signature:");
        int footer = indexOf(lines, FOOTER);
        if (lines.length == 0 || !lines[0].equals(HEADER) || payload < 0 || signature < payload || footer < signature) {
            return false;
        }
        byte[] signed;
        byte[] sig;
        try {
            signed = Base64.getDecoder().decode(join(lines, payload + 1, signature));
            sig = Base64.getDecoder().decode(join(lines, signature + 1, footer));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!verifies(signed, sig)) {
            return false;
        }
        Object json;
        try {
            json = Json.parse(new String(signed, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!(json instanceof Map) || !(((Map<?, ?>) json).get("entitlements") instanceof List)) {
            return false;
        }
        for (Object e : (List<?>) ((Map<?, ?>) json).get("entitlements")) {
            if (e instanceof Map) {
                Map<?, ?> m = (Map<?, ?>) e;
                if ("seats".equals(m.get("kind")) && product.equals(m.get("product")) && feature.equals(m.get("feature"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean verifies(byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (SignatureException e) {
            return false; // not even a well-formed signature
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify Ed25519 signatures: " + e.getMessage(), e);
        }
    }

    private static int indexOf(String[] lines, String exact) {
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].trim().equals(exact)) {
                return i;
            }
        }
        return -1;
    }

    private static String join(String[] lines, int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(lines[i].trim());
        }
        return b.toString();
    }
}
