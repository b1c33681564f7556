package dev.usher.core.inventory;

import dev.usher.core.seat.PoolKey;

import java.util.List;
import java.util.UUID;

/**
 * A license being added that looks like the renewal of installed ones (same customer, product and feature, dates
 * overlapping, and no {@code supersedes}), so it will add its seats to theirs instead of replacing them.
 *
 * @param adds   the seats the new file adds to the pool
 * @param before the pool's capacity without it (when the new file starts, or now if it has started)
 */
public record RenewalLookalike(PoolKey pool, int adds, int before, List<UUID> looksLikeRenewalOf) {

    /** "this adds 10 seats to 30 (40 in all); if it renews license X, ask the vendor for a file that supersedes it". */
    public String warning() {
        return pool + ": this adds " + adds + " seats to " + before + " (" + (before + adds) + " in all); if it renews license "
                + String.join(" or license ", looksLikeRenewalOf.stream().map(UUID::toString).toList())
                + ", ask the vendor for a file that supersedes it";
    }
}
