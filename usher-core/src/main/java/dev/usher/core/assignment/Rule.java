package dev.usher.core.assignment;

import java.util.List;

/** One assignment rule of a pool. */
public sealed interface Rule {

    /** {@code seats} of the pool only the target's members may use; they use their reserve first. */
    record Reserve(Target target, int seats) implements Rule {
        public Reserve {
            if (seats < 1) {
                throw new IllegalArgumentException("a reserve needs at least 1 seat");
            }
        }
    }

    /** The target's members together hold at most {@code seats} seats. */
    record Limit(Target target, int seats) implements Rule {
        public Limit {
            if (seats < 0) {
                throw new IllegalArgumentException("a limit cannot be negative");
            }
        }
    }

    /** The target's members may not use the pool. */
    record Deny(Target target) implements Rule {}

    /** Only members of these targets may use the pool. */
    record AllowOnly(List<Target> targets) implements Rule {
        public AllowOnly {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("allow-only needs at least one role or user");
            }
            targets = List.copyOf(targets);
        }
    }
}
