package dev.usher.core.inventory;

import dev.usher.core.seat.PoolKey;

import java.time.Instant;

/**
 * A pool as the inventory sees it at one instant.
 *
 * @param capacity       seats of the entitlements active now, summed over all license files
 * @param nextExpiry     the earliest expiry among the active entitlements (null: none expires)
 * @param nextStart      the earliest start of an entitlement that is not active yet (null: none)
 * @param serverLicensed the product has a valid server entitlement now
 * @param serverExpires  when the latest-running valid server entitlement ends (null: never or none)
 */
public record PoolSummary(PoolKey key, int capacity, Instant nextExpiry, Instant nextStart,
                          boolean serverLicensed, Instant serverExpires) {}
