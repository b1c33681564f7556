package dev.usher.core.seat;

/**
 * What the license inventory says about one pool at one instant.
 *
 * @param known          some installed license mentions this product+feature (valid or not)
 * @param serverLicensed the product has a valid server entitlement for this installation right now
 * @param capacity       seats of all entitlements of the pool active right now (co-terming by summing)
 */
public record PoolTerms(PoolKey pool, boolean known, boolean serverLicensed, int capacity,
                        PoolSettings settings, String installationId) {

    public PoolTerms {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity cannot be negative");
        }
    }
}
