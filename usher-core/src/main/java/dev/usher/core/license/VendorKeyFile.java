package dev.usher.core.license;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;

/**
 * The vendor public key file ({@code vendor.pub}): who the vendor is and which products the key may license,
 * above the standard PEM block of the key:
 *
 * <pre>
 * # Usher vendor key: put this file into DATA/trusted-keys/ of every Usher that serves these products.
 * Vendor: Acme Software
 * Products: cad, cam, acme-*
 * -----BEGIN PUBLIC KEY-----
 * MCowBQYDK2VwAyEA...
 * -----END PUBLIC KEY-----
 * </pre>
 *
 * OpenSSL skips the lines above the block, so the file stays a plain PEM key for other tools, and other text
 * there (comments, what {@code openssl pkey -text} prints) is ignored. A misspelt header ({@code Product:},
 * {@code vendor:}) is an error that names the line, not a key that silently licenses nothing. A file without the
 * headers is an old key file (written before keys named their products); it is still read, see
 * {@link TrustedKey#oldFormat()}.
 *
 * <p>The headers are not signed: whoever can write the trusted-keys directory can write them. What they give is
 * that one key cannot license another vendor's products next to that vendor's key (two keys may not claim one
 * product), and the vendor's application checks the rest (the client library verifies that its seat is backed by
 * a file its vendor signed).
 */
public final class VendorKeyFile {

    static final String VENDOR = "Vendor:";
    static final String PRODUCTS = "Products:";
    public static final int MAX_VENDOR_LENGTH = 100;
    private static final long MAX_FILE_SIZE = 64 * 1024;

    private VendorKeyFile() {
    }

    /** The text of a key file naming {@code vendor} and {@code products}. */
    public static String render(PublicKey key, String vendor, List<ProductClaim> products) {
        VendorKeys.requireEd25519(key, "public key");
        requireVendor(vendor);
        if (products.isEmpty()) {
            throw new IllegalArgumentException("a vendor key must name at least one product it may license");
        }
        return "# Usher vendor key " + VendorKeys.keyId(key) + ": put this file into DATA/trusted-keys/ of every Usher"
                + " that serves these products.\n"
                + VENDOR + " " + vendor + "\n"
                + PRODUCTS + " " + String.join(", ", products.stream().map(ProductClaim::pattern).toList()) + "\n"
                + Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    /** Reads a key file's text; {@code source} names it in messages. Throws {@link IllegalArgumentException}. */
    public static TrustedKey parse(String text, Object source) {
        int begin = text.indexOf("-----BEGIN ");
        String head = begin < 0 ? text : text.substring(0, begin);
        String vendor = null;
        List<ProductClaim> products = null;
        String[] lines = head.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            String where = source + " line " + (i + 1) + ": ";
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith(VENDOR)) {
                if (vendor != null) {
                    throw new IllegalArgumentException(where + "'Vendor:' is given twice");
                }
                vendor = line.substring(VENDOR.length()).strip();
                try {
                    requireVendor(vendor);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage());
                }
            } else if (line.startsWith(PRODUCTS)) {
                if (products != null) {
                    throw new IllegalArgumentException(where + "'Products:' is given twice");
                }
                try {
                    products = ProductClaim.parseList(line.substring(PRODUCTS.length()).strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + e.getMessage());
                }
            } else if (looksLikeHeader(line)) {
                throw new IllegalArgumentException(where + "expected 'Vendor: NAME' or 'Products: cad, cam, acme-*', found "
                        + Entitlement.quote(line));
            }
        }
        PublicKey key = VendorKeys.publicKeyFromPem(text, source);
        if (vendor == null && products == null) {
            return new TrustedKey(VendorKeys.keyId(key), key, null, List.of(), true, null);
        }
        if (vendor == null || products == null) {
            throw new IllegalArgumentException(source + ": names " + (vendor == null ? "products but no 'Vendor:'" : "a vendor but no 'Products:'")
                    + "; a vendor key file gives both above the key");
        }
        return TrustedKey.of(key, vendor, products);
    }

    /** Reads a key file; throws {@link IllegalArgumentException} with one line naming the file. */
    public static TrustedKey read(Path file) {
        try {
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(file + ": is a directory, not a key file");
            }
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new IllegalArgumentException(file + ": too large to be a key file");
            }
            // Malformed UTF-8 becomes replacement characters: a binary file gets "no PEM block", not a decoding error.
            return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file).from(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    /** "Product: cad", "vendor:", "PRODUCTS =": a header spelt wrong, not explanatory text. */
    private static boolean looksLikeHeader(String line) {
        String word = line.split("[:= ]", 2)[0].toLowerCase(java.util.Locale.ROOT);
        return word.equals("vendor") || word.equals("product") || word.equals("products");
    }

    static void requireVendor(String vendor) {
        if (vendor == null || vendor.isBlank()) {
            throw new IllegalArgumentException("the vendor name is empty");
        }
        if (vendor.length() > MAX_VENDOR_LENGTH) {
            throw new IllegalArgumentException("the vendor name is " + vendor.length() + " characters long; at most "
                    + MAX_VENDOR_LENGTH + " are allowed");
        }
        if (vendor.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("the vendor name contains a control character");
        }
    }
}
