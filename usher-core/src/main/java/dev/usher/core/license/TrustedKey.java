package dev.usher.core.license;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A vendor public key the server trusts, with what it may license.
 *
 * @param vendor   the vendor's name from the key file, or {@code null} for an old key file that names none
 * @param products the products (names or prefixes) the key may license. For an old key file these are not in the
 *                 file: they are the products of the installed licenses it signed (see
 *                 {@link TrustedKeys#withProductsOfOldKeys}), so an upgrade changes nothing that was granted, and
 *                 the key licenses no new product
 * @param oldFormat true when the key file names no vendor and products (written before keys named them)
 * @param file     the file it was read from, or {@code null} when it was not read from a file
 */
public record TrustedKey(String keyId, PublicKey publicKey, String vendor, List<ProductClaim> products, boolean oldFormat,
                         Path file) {

    public TrustedKey {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(publicKey, "publicKey");
        products = List.copyOf(products);
    }

    /** A key named by the vendor: what {@code usher vendor keygen} writes. */
    public static TrustedKey of(PublicKey key, String vendor, List<ProductClaim> products) {
        return new TrustedKey(VendorKeys.keyId(key), key, vendor, products, false, null);
    }

    /** A key that may license any product (tools that verify one vendor's files, and tests). */
    public static TrustedKey unrestricted(PublicKey key) {
        return new TrustedKey(VendorKeys.keyId(key), key, null, List.of(new ProductClaim("*")), false, null);
    }

    /** The vendor as messages name it. */
    public String vendorName() {
        return vendor != null ? vendor : "(not named: old key file)";
    }

    public boolean covers(String product) {
        return products.stream().anyMatch(c -> c.covers(product));
    }

    /** The claims of this key that overlap a claim of {@code other}. */
    public List<ProductClaim> overlapsWith(TrustedKey other) {
        return products.stream().filter(c -> other.products.stream().anyMatch(c::overlaps)).toList();
    }

    /** "cad, cam, acme-*", or "nothing". */
    public String productList() {
        return products.isEmpty() ? "nothing" : products.stream().map(ProductClaim::pattern).collect(Collectors.joining(", "));
    }

    TrustedKey withProducts(List<ProductClaim> claims) {
        return new TrustedKey(keyId, publicKey, vendor, claims, oldFormat, file);
    }

    TrustedKey from(Path source) {
        return new TrustedKey(keyId, publicKey, vendor, products, oldFormat, source);
    }
}
