package dev.usher.core.assignment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The assignment rules of a pool and the decision they make for one person. A pure function of
 * (capacity, rules, what is held, the person's roles), so it is tested exhaustively.
 *
 * <p>Semantics: shared part = capacity − Σ reserves. A person who is a member of reserves takes a
 * seat from the reserve with most free seats (ties: the first rule), else from the shared part; a
 * non-member only from the shared part. Limits apply on top of everything. When capacity drops
 * below Σ reserves (a license expired), reserves shrink in proportion (rounded down), so members
 * of R can always get their reserve whenever Σ reserves ≤ capacity.
 */
public record Assignments(List<Rule> rules) {

    public static final Assignments NONE = new Assignments(List.of());

    public Assignments {
        rules = List.copyOf(rules);
    }

    /** What is held in the pool right now. */
    public record Usage(int inUse, Map<Integer, Integer> perReserve, int shared, Map<Integer, Integer> perLimit) {

        public int reserveUsed(int ruleIndex) {
            return perReserve.getOrDefault(ruleIndex, 0);
        }

        public int limitUsed(int ruleIndex) {
            return perLimit.getOrDefault(ruleIndex, 0);
        }
    }

    /** The outcome for one person who holds no seat yet. */
    public sealed interface Outcome {
        record Granted(Charge charge, String explanation) implements Outcome {}

        /** {@code code} is {@code not-entitled} (deny / allow-only) or {@code no-seats-available}. */
        record Refused(String code, String explanation) implements Outcome {}
    }

    public int reservedSeats() {
        return rules.stream().filter(r -> r instanceof Rule.Reserve).mapToInt(r -> ((Rule.Reserve) r).seats()).sum();
    }

    /** Reserve sizes in force at this capacity: as written, or shrunk in proportion when they do not fit. */
    public Map<Integer, Integer> effectiveReserves(int capacity) {
        int total = reservedSeats();
        Map<Integer, Integer> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Reserve r) {
                out.put(i, total <= capacity ? r.seats() : (int) ((long) r.seats() * capacity / total));
            }
        }
        return out;
    }

    public int sharedSeats(int capacity) {
        return Math.max(0, capacity - effectiveReserves(capacity).values().stream().mapToInt(Integer::intValue).sum());
    }

    /** Problems that make the rule set unacceptable at this capacity (saving is refused with them). */
    public List<String> problems(int capacity) {
        List<String> problems = new ArrayList<>();
        if (reservedSeats() > capacity) {
            problems.add("the reserves add up to " + reservedSeats() + " seats but the pool has " + capacity);
        }
        long allowOnly = rules.stream().filter(r -> r instanceof Rule.AllowOnly).count();
        if (allowOnly > 1) {
            problems.add("give one allow-only rule listing every role and user allowed (found " + allowOnly + ")");
        }
        return problems;
    }

    public Outcome decide(int capacity, Usage usage, long userId, Set<Long> roleIds) {
        for (Rule r : rules) {
            if (r instanceof Rule.Deny d && d.target().covers(userId, roleIds)) {
                return new Outcome.Refused("not-entitled", "deny rule for " + d.target().describe() + ": members may not use this pool");
            }
        }
        for (Rule r : rules) {
            if (r instanceof Rule.AllowOnly a && a.targets().stream().noneMatch(t -> t.covers(userId, roleIds))) {
                return new Outcome.Refused("not-entitled", "only " + String.join(", ", a.targets().stream().map(Target::describe).toList())
                        + " may use this pool");
            }
        }
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Limit l && l.target().covers(userId, roleIds) && usage.limitUsed(i) >= l.seats()) {
                return new Outcome.Refused("no-seats-available", "limit for " + l.target().describe() + ": "
                        + usage.limitUsed(i) + " of " + l.seats() + " in use");
            }
        }
        Map<Integer, Integer> reserves = effectiveReserves(capacity);
        int best = -1;
        int bestFree = 0;
        List<String> parts = new ArrayList<>();
        for (var e : reserves.entrySet()) {
            Rule.Reserve r = (Rule.Reserve) rules.get(e.getKey());
            if (!r.target().covers(userId, roleIds)) {
                continue;
            }
            int free = e.getValue() - usage.reserveUsed(e.getKey());
            parts.add("reserve for " + r.target().describe() + ": " + usage.reserveUsed(e.getKey()) + " of " + e.getValue() + " in use");
            if (free > bestFree) {
                best = e.getKey();
                bestFree = free;
            }
        }
        if (best >= 0) {
            Rule.Reserve r = (Rule.Reserve) rules.get(best);
            return new Outcome.Granted(new Charge.Reserve(best), "from the reserve for " + r.target().describe() + " ("
                    + usage.reserveUsed(best) + " of " + reserves.get(best) + " in use before)");
        }
        int shared = sharedSeats(capacity);
        parts.add("shared: " + usage.shared() + " of " + shared + " in use");
        if (usage.shared() < shared && usage.inUse() < capacity) {
            return new Outcome.Granted(Charge.SHARED, "from the shared part (" + usage.shared() + " of " + shared + " in use before)");
        }
        return new Outcome.Refused("no-seats-available", String.join("; ", parts));
    }
}
