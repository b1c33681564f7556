package dev.usher.core.inventory;

import java.time.Instant;
import java.util.UUID;

/**
 * A license retired by a renewal: {@code by} names it in its {@code supersedes} list, and from {@code from} (the
 * renewal's first start) its entitlements count for nothing. A renewal installed before the old file runs out
 * thus takes over on its own start date, with no gap and no overlap.
 */
public record Supersession(UUID by, Instant from) {

    public boolean retiredAt(Instant now) {
        return !now.isBefore(from);
    }
}
