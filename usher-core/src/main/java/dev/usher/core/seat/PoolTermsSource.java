package dev.usher.core.seat;

import java.time.Instant;

/**
 * Where the ledger reads a pool's terms from, inside the checkout transaction, so that a license
 * added or removed concurrently is seen either entirely before or entirely after the decision.
 */
@FunctionalInterface
public interface PoolTermsSource {
    PoolTerms terms(PoolKey pool, Instant now);
}
