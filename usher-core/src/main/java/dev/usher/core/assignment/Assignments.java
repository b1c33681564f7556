package dev.usher.core.assignment;

import java.util.ArrayList;
import java.util.HashSet;
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
        /** A seat charged to {@code charge}: taken from {@code from}, which had {@code from.used()} of {@code from.size()} in use before. */
        record Granted(Charge charge, RuleRefusal.Part from) implements Outcome {
            /** "from the reserve for the members of Contractors (0 of 5 in use before)". */
            public String explanation() {
                return "from the " + (from.target() == null ? "shared part" : "reserve for " + from.target().who())
                        + " (" + from.used() + " of " + from.size() + " in use before)";
            }
        }

        record Refused(RuleRefusal refusal) implements Outcome {}
    }

    public boolean isEmpty() {
        return rules.isEmpty();
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

    /** The limit rules (by index) a person is counted against: a seat they take counts toward each. */
    public Set<Integer> limitsCovering(long userId, Set<Long> roleIds) {
        Set<Integer> out = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Limit l && l.target().covers(userId, roleIds)) {
                out.add(i);
            }
        }
        return out;
    }

    /** What a charge is, in words: "the reserve for the members of Contractors", "the shared part". */
    public String describe(Charge charge) {
        if (charge instanceof Charge.Reserve r) {
            return r.ruleIndex() < rules.size() && rules.get(r.ruleIndex()) instanceof Rule.Reserve res
                    ? "the reserve for " + res.target().who()
                    : "a reserve the rules no longer have";
        }
        return "the shared part";
    }

    public Outcome decide(int capacity, Usage usage, long userId, Set<Long> roleIds) {
        for (Rule r : rules) {
            if (r instanceof Rule.Deny d && d.target().covers(userId, roleIds)) {
                return new Outcome.Refused(new RuleRefusal.Denied(d.target()));
            }
        }
        for (Rule r : rules) {
            if (r instanceof Rule.AllowOnly a && a.targets().stream().noneMatch(t -> t.covers(userId, roleIds))) {
                return new Outcome.Refused(new RuleRefusal.NotAllowed(a.targets()));
            }
        }
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Limit l && l.target().covers(userId, roleIds) && usage.limitUsed(i) >= l.seats()) {
                return new Outcome.Refused(new RuleRefusal.AtLimit(l.target(), usage.limitUsed(i), l.seats()));
            }
        }
        Map<Integer, Integer> reserves = effectiveReserves(capacity);
        int best = -1;
        int bestFree = 0;
        List<RuleRefusal.Part> parts = new ArrayList<>();
        for (var e : reserves.entrySet()) {
            Rule.Reserve r = (Rule.Reserve) rules.get(e.getKey());
            if (!r.target().covers(userId, roleIds)) {
                continue;
            }
            int free = e.getValue() - usage.reserveUsed(e.getKey());
            parts.add(new RuleRefusal.Part(r.target(), usage.reserveUsed(e.getKey()), e.getValue()));
            if (free > bestFree) {
                best = e.getKey();
                bestFree = free;
            }
        }
        if (best >= 0) {
            Rule.Reserve r = (Rule.Reserve) rules.get(best);
            return new Outcome.Granted(new Charge.Reserve(best), new RuleRefusal.Part(r.target(), usage.reserveUsed(best), reserves.get(best)));
        }
        int shared = sharedSeats(capacity);
        RuleRefusal.Part sharedPart = new RuleRefusal.Part(null, usage.shared(), shared);
        parts.add(sharedPart);
        if (usage.shared() < shared && usage.inUse() < capacity) {
            return new Outcome.Granted(Charge.SHARED, sharedPart);
        }
        return new Outcome.Refused(new RuleRefusal.Full(parts));
    }
}
