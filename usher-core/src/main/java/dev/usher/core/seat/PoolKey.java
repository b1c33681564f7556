package dev.usher.core.seat;

import java.util.regex.Pattern;

/** One product+feature: the unit that seats are counted in. */
public record PoolKey(String product, String feature) implements Comparable<PoolKey> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public PoolKey {
        if (product == null || !NAME.matcher(product).matches()) {
            throw new IllegalArgumentException("product must be 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        if (feature == null || !NAME.matcher(feature).matches()) {
            throw new IllegalArgumentException("feature must be 1-64 characters of A-Z a-z 0-9 . _ -");
        }
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    @Override
    public int compareTo(PoolKey o) {
        int c = product.compareTo(o.product);
        return c != 0 ? c : feature.compareTo(o.feature);
    }

    @Override
    public String toString() {
        return product + "/" + feature;
    }
}
