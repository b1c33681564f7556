package dev.usher.core.license;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One product a vendor key may license: an exact product name ({@code cad}) or a prefix ending in
 * {@code *} ({@code acme-*} covers {@code acme-cad} and {@code acme-cam}; a lone {@code *} covers every
 * product, which only a vendor's own test server should ever trust). Names compare case-sensitively,
 * like product names in license files.
 */
public record ProductClaim(String pattern) {

    public static final int MAX_CLAIMS = 100;

    public ProductClaim {
        Objects.requireNonNull(pattern, "pattern");
        String name = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        // A prefix may be empty ("*"), a name may not; neither may hold a second '*' or other characters.
        if (!(name.isEmpty() && pattern.equals("*")) && !Entitlement.isValidName(name)) {
            throw new IllegalArgumentException("product " + Entitlement.quote(pattern) + " is not a product name or prefix:"
                    + " use 1-64 letters, digits, '.', '_' or '-', optionally ending in '*' (e.g. cad, acme-*)");
        }
    }

    /** Reads a comma-separated list such as {@code cad, cam, acme-*}; at least one, no repeats. */
    public static List<ProductClaim> parseList(String text) {
        List<ProductClaim> claims = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("the product list " + Entitlement.quote(text)
                        + " has an empty entry: separate product names with single commas (cad, cam, acme-*)");
            }
            ProductClaim claim = new ProductClaim(p);
            if (claims.contains(claim)) {
                throw new IllegalArgumentException("product " + p + " is listed twice");
            }
            claims.add(claim);
        }
        if (claims.size() > MAX_CLAIMS) {
            throw new IllegalArgumentException("a key may name at most " + MAX_CLAIMS + " products or prefixes, not " + claims.size());
        }
        return List.copyOf(claims);
    }

    public boolean isPrefix() {
        return pattern.endsWith("*");
    }

    private String stem() {
        return isPrefix() ? pattern.substring(0, pattern.length() - 1) : pattern;
    }

    /** True when this claim names {@code product} or is a prefix of it. */
    public boolean covers(String product) {
        return isPrefix() ? product.startsWith(stem()) : product.equals(pattern);
    }

    /** True when some product name is covered by both claims. */
    public boolean overlaps(ProductClaim other) {
        if (isPrefix() && other.isPrefix()) {
            return stem().startsWith(other.stem()) || other.stem().startsWith(stem());
        }
        if (isPrefix()) {
            return covers(other.pattern);
        }
        return other.covers(pattern);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
