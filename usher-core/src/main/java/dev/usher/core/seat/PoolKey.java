package dev.usher.core.seat;

import dev.usher.core.license.Entitlement;

/** One product+feature: the unit that seats are counted in. */
public record PoolKey(String product, String feature) implements Comparable<PoolKey> {

    public PoolKey {
        // The same names license files allow, so every licensed pool can be addressed.
        if (!Entitlement.isValidName(product)) {
            throw new IllegalArgumentException("product must be 1-64 characters of A-Z a-z 0-9 . _ -");
        }
        if (!Entitlement.isValidName(feature)) {
            throw new IllegalArgumentException("feature must be 1-64 characters of A-Z a-z 0-9 . _ -");
        }
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
