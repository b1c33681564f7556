package dev.usher.server.monitoring;

import dev.usher.core.seat.PoolKey;

import java.util.Map;

/**
 * Per-pool numbers that parts of the server other than the seat ledger own: seats borrowed for
 * offline use and people waiting in a pool's queue. Read on every scrape; a pool missing from a map
 * counts 0. {@link #NONE} until borrowing and queueing exist.
 */
public interface PoolGauges {

    /** Seats of each pool out on loan (borrowed, not yet returned or expired). */
    Map<PoolKey, Integer> borrowedSeats();

    /** People waiting for a seat of each pool. */
    Map<PoolKey, Integer> queueLengths();

    PoolGauges NONE = new PoolGauges() {
        @Override
        public Map<PoolKey, Integer> borrowedSeats() {
            return Map.of();
        }

        @Override
        public Map<PoolKey, Integer> queueLengths() {
            return Map.of();
        }
    };
}
