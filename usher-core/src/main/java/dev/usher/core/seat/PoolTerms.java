package dev.usher.core.seat;

import dev.usher.core.assignment.Assignments;

/**
 * What the license inventory says about one pool at one instant.
 *
 * @param known          some installed license mentions this product+feature (valid or not)
 * @param serverLicensed the product has a valid server entitlement for this installation right now
 * @param capacity       seats of all entitlements of the pool active right now (co-terming by summing)
 * @param assignments    the pool's reserve / limit / deny rules
 */
public record PoolTerms(PoolKey pool, boolean known, boolean serverLicensed, int capacity,
                        PoolSettings settings, String installationId, Assignments assignments) {

    public PoolTerms {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity cannot be negative");
        }
    }

    /** Terms without assignment rules: everyone shares the pool. */
    public PoolTerms(PoolKey pool, boolean known, boolean serverLicensed, int capacity, PoolSettings settings, String installationId) {
        this(pool, known, serverLicensed, capacity, settings, installationId, Assignments.NONE);
    }

    public PoolTerms withAssignments(Assignments a) {
        return new PoolTerms(pool, known, serverLicensed, capacity, settings, installationId, a);
    }
}
