package dev.usher.core.assignment;

/**
 * What a seat counts against, recorded with the seat: one reserve (by its index in the rule set)
 * or the shared part. A person's seat is charged exactly once, whatever number of roles they are in.
 */
public sealed interface Charge {

    String code();

    record Reserve(int ruleIndex) implements Charge {
        @Override
        public String code() {
            return "reserve:" + ruleIndex;
        }
    }

    record Shared() implements Charge {
        @Override
        public String code() {
            return "shared";
        }
    }

    Charge SHARED = new Shared();

    static Charge fromCode(String code) {
        if (code == null || code.equals("shared")) {
            return SHARED;
        }
        return new Reserve(Integer.parseInt(code.substring("reserve:".length())));
    }
}
