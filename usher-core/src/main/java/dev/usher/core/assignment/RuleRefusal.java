package dev.usher.core.assignment;

import java.util.List;

/**
 * Why a pool's assignment rules refuse a person a new seat, with what a sentence needs: names, not
 * rule numbers. {@link #because()} is the clause; the seat decision puts it into one sentence.
 */
public sealed interface RuleRefusal {

    /** {@code not-entitled} (the person may not use the pool) or {@code no-seats-available} (not now). */
    String code();

    /** Why, in words: "a deny rule keeps the members of Guests out of this pool". */
    String because();

    /** A deny rule covers the person. */
    record Denied(Target target) implements RuleRefusal {
        @Override
        public String code() {
            return "not-entitled";
        }

        @Override
        public String because() {
            return "a deny rule keeps " + target.who() + " out of this pool";
        }
    }

    /** An allow-only rule does not cover the person. */
    record NotAllowed(List<Target> allowed) implements RuleRefusal {
        public NotAllowed {
            allowed = List.copyOf(allowed);
        }

        @Override
        public String code() {
            return "not-entitled";
        }

        @Override
        public String because() {
            return "only " + Sentences.and(allowed.stream().map(Target::who).toList()) + " may use this pool";
        }
    }

    /** A limit covering the person is reached. */
    record AtLimit(Target target, int used, int seats) implements RuleRefusal {
        @Override
        public String code() {
            return "no-seats-available";
        }

        @Override
        public String because() {
            return target.who() + " may hold at most " + Sentences.seats(seats) + (target instanceof Target.Role ? " together" : "")
                    + ", and " + used + (used == 1 ? " is" : " are") + " in use";
        }
    }

    /** Every part of the pool open to the person is in use: each part with its numbers. */
    record Full(List<Part> parts) implements RuleRefusal {
        public Full {
            parts = List.copyOf(parts);
        }

        @Override
        public String code() {
            return "no-seats-available";
        }

        @Override
        public String because() {
            return "every seat open to you is in use (" + String.join(", ", parts.stream().map(Part::describe).toList()) + ")";
        }
    }

    /** One part of a pool: a reserve ({@code target} not null) or the shared part, and its numbers. */
    record Part(Target target, int used, int size) {
        String describe() {
            return (target == null ? "shared part" : "reserve for " + target.who()) + ": " + used + " of " + size;
        }
    }
}
