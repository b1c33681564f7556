package dev.usher.core.assignment;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every combination of up to 3 roles, up to 2 reserves, up to 1 limit and capacity 0-6, with every
 * order of requests of five people with different role sets, decided by {@link Assignments} and by a
 * brute-force reference that recounts everything from the list of held seats. Besides agreeing,
 * every step must keep the invariants: never above capacity, reserves and limits honoured, and a
 * member of a reserve with a free seat (and no limit in the way) is always served.
 */
class AssignmentsExhaustiveTest {

    /** Five people: id and role ids. Person 5 is in no custom role. */
    private static final long[] PEOPLE = {1, 2, 3, 4, 5};
    private static final Map<Long, Set<Long>> ROLES = Map.of(
            1L, Set.of(10L), 2L, Set.of(20L), 3L, Set.of(10L, 20L), 4L, Set.of(10L, 20L, 30L), 5L, Set.of());

    private record Held(long person, Charge charge) {}

    @Test
    void agreesWithTheReferenceInEveryCaseAndKeepsTheInvariants() {
        List<List<Rule>> configs = configs();
        List<long[]> orders = permutations(PEOPLE);
        long decisions = 0;
        for (List<Rule> rules : configs) {
            Assignments a = new Assignments(rules);
            for (int capacity = 0; capacity <= 6; capacity++) {
                for (long[] order : orders) {
                    List<Held> held = new ArrayList<>();
                    for (long person : order) {
                        Set<Long> roles = ROLES.get(person);
                        Assignments.Outcome got = a.decide(capacity, usage(rules, held), person, roles);
                        Charge expected = reference(rules, capacity, held, person, roles);
                        if (expected == null) {
                            assertThat(got).as(describe(rules, capacity, held, person)).isInstanceOf(Assignments.Outcome.Refused.class);
                        } else {
                            assertThat(got).as(describe(rules, capacity, held, person)).isInstanceOfSatisfying(
                                    Assignments.Outcome.Granted.class, g -> assertThat(g.charge()).isEqualTo(expected));
                            held.add(new Held(person, expected));
                        }
                        checkInvariants(a, rules, capacity, held, person, roles, got);
                        decisions++;
                    }
                }
            }
        }
        assertThat(decisions).isEqualTo(22L * 10 * 7 * 120 * 5); // configs x capacities x orders x requests
    }

    private static void checkInvariants(Assignments a, List<Rule> rules, int capacity, List<Held> held, long person,
                                        Set<Long> roles, Assignments.Outcome got) {
        assertThat(held.size()).isLessThanOrEqualTo(capacity);
        Map<Integer, Integer> eff = a.effectiveReserves(capacity);
        eff.forEach((i, n) -> assertThat(held.stream().filter(h -> h.charge().equals(new Charge.Reserve(i))).count()).isLessThanOrEqualTo(n));
        assertThat(held.stream().filter(h -> h.charge() instanceof Charge.Shared).count()).isLessThanOrEqualTo(a.sharedSeats(capacity));
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Limit l) {
                long members = held.stream().filter(h -> l.target().covers(h.person(), ROLES.get(h.person()))).count();
                assertThat(members).isLessThanOrEqualTo(Math.max(l.seats(), 0));
            }
        }
        // The reservation guarantee: a refused member had no free seat in any of their reserves, or a limit stopped them.
        if (got instanceof Assignments.Outcome.Refused) {
            List<Held> before = held; // a refusal adds nothing
            boolean limited = false;
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i) instanceof Rule.Limit l && l.target().covers(person, roles)
                        && before.stream().filter(h -> l.target().covers(h.person(), ROLES.get(h.person()))).count() >= l.seats()) {
                    limited = true;
                }
            }
            if (!limited) {
                eff.forEach((i, n) -> {
                    Rule.Reserve r = (Rule.Reserve) rules.get(i);
                    if (r.target().covers(person, roles)) {
                        assertThat(before.stream().filter(h -> h.charge().equals(new Charge.Reserve(i))).count()).isEqualTo((long) n);
                    }
                });
            }
        }
    }

    /** Counts straight from the held seats, independently of how the engine aggregates them. */
    private static Charge reference(List<Rule> rules, int capacity, List<Held> held, long person, Set<Long> roles) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Limit l && l.target().covers(person, roles)) {
                int members = 0;
                for (Held h : held) {
                    if (l.target().covers(h.person(), ROLES.get(h.person()))) {
                        members++;
                    }
                }
                if (members >= l.seats()) {
                    return null;
                }
            }
        }
        int totalReserved = 0;
        for (Rule r : rules) {
            if (r instanceof Rule.Reserve res) {
                totalReserved += res.seats();
            }
        }
        int sumEffective = 0;
        int bestIndex = -1;
        int bestFree = 0;
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i) instanceof Rule.Reserve res) {
                int effective = totalReserved <= capacity ? res.seats() : res.seats() * capacity / totalReserved;
                sumEffective += effective;
                if (res.target().covers(person, roles)) {
                    int used = 0;
                    for (Held h : held) {
                        if (h.charge() instanceof Charge.Reserve c && c.ruleIndex() == i) {
                            used++;
                        }
                    }
                    if (effective - used > bestFree) {
                        bestFree = effective - used;
                        bestIndex = i;
                    }
                }
            }
        }
        if (bestIndex >= 0) {
            return new Charge.Reserve(bestIndex);
        }
        int sharedUsed = 0;
        for (Held h : held) {
            if (h.charge() instanceof Charge.Shared) {
                sharedUsed++;
            }
        }
        return sharedUsed < capacity - sumEffective && held.size() < capacity ? Charge.SHARED : null;
    }

    private static Assignments.Usage usage(List<Rule> rules, List<Held> held) {
        Map<Integer, Integer> perReserve = new HashMap<>();
        Map<Integer, Integer> perLimit = new HashMap<>();
        int shared = 0;
        for (Held h : held) {
            if (h.charge() instanceof Charge.Reserve r) {
                perReserve.merge(r.ruleIndex(), 1, Integer::sum);
            } else {
                shared++;
            }
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i) instanceof Rule.Limit l && l.target().covers(h.person(), ROLES.get(h.person()))) {
                    perLimit.merge(i, 1, Integer::sum);
                }
            }
        }
        return new Assignments.Usage(held.size(), perReserve, shared, perLimit);
    }

    private static List<List<Rule>> configs() {
        List<Target> roles = List.of(new Target.Role(10, "A"), new Target.Role(20, "B"), new Target.Role(30, "C"));
        List<List<Rule>> reserves = new ArrayList<>();
        reserves.add(List.of());
        for (Target t : roles) {
            for (int n = 1; n <= 3; n++) {
                reserves.add(List.of(new Rule.Reserve(t, n)));
            }
        }
        for (int i = 0; i < roles.size(); i++) {
            for (int j = i + 1; j < roles.size(); j++) {
                for (int n = 1; n <= 2; n++) {
                    for (int m = 1; m <= 2; m++) {
                        reserves.add(List.of(new Rule.Reserve(roles.get(i), n), new Rule.Reserve(roles.get(j), m)));
                    }
                }
            }
        }
        List<List<Rule>> limits = new ArrayList<>();
        limits.add(List.of());
        for (Target t : roles) {
            for (int n = 0; n <= 2; n++) {
                limits.add(List.of(new Rule.Limit(t, n)));
            }
        }
        List<List<Rule>> out = new ArrayList<>();
        for (List<Rule> r : reserves) {
            for (List<Rule> l : limits) {
                List<Rule> all = new ArrayList<>(r);
                all.addAll(l);
                out.add(all);
            }
        }
        return out;
    }

    private static List<long[]> permutations(long[] items) {
        List<long[]> out = new ArrayList<>();
        permute(items, 0, out);
        return out;
    }

    private static void permute(long[] a, int k, List<long[]> out) {
        if (k == a.length) {
            out.add(a.clone());
            return;
        }
        for (int i = k; i < a.length; i++) {
            long t = a[k];
            a[k] = a[i];
            a[i] = t;
            permute(a, k + 1, out);
            a[i] = a[k];
            a[k] = t;
        }
    }

    private static String describe(List<Rule> rules, int capacity, List<Held> held, long person) {
        return "rules " + rules + ", capacity " + capacity + ", held " + held + ", request by person " + person;
    }

    @Test
    void denyAndAllowOnlyRefuseWithAReason() {
        Target a = new Target.Role(10, "Contractors");
        Assignments deny = new Assignments(List.of(new Rule.Deny(a)));
        var usage = new Assignments.Usage(0, Map.of(), 0, Map.of());
        assertThat(deny.decide(5, usage, 1, Set.of(10L))).isInstanceOfSatisfying(Assignments.Outcome.Refused.class, r -> {
            assertThat(r.refusal().code()).isEqualTo("not-entitled");
            assertThat(r.refusal().because()).isEqualTo("a deny rule keeps the members of Contractors out of this pool");
        });
        assertThat(deny.decide(5, usage, 2, Set.of(20L))).isInstanceOf(Assignments.Outcome.Granted.class);
        Assignments only = new Assignments(List.of(new Rule.AllowOnly(List.of(a, new Target.User(7, "zoe")))));
        assertThat(only.decide(5, usage, 2, Set.of(20L))).isInstanceOf(Assignments.Outcome.Refused.class);
        assertThat(only.decide(5, usage, 7, Set.of())).isInstanceOf(Assignments.Outcome.Granted.class);
        assertThat(only.decide(5, usage, 1, Set.of(10L))).isInstanceOf(Assignments.Outcome.Granted.class);
    }

    @Test
    void theRefusalNamesTheRuleAndTheNumbers() {
        Assignments a = new Assignments(List.of(new Rule.Reserve(new Target.Role(10, "Contractors"), 5)));
        var full = new Assignments.Usage(25, Map.of(0, 5), 20, Map.of());
        assertThat(a.decide(25, full, 1, Set.of(10L))).isInstanceOfSatisfying(Assignments.Outcome.Refused.class,
                r -> assertThat(r.refusal().because()).isEqualTo(
                        "every seat open to you is in use (reserve for the members of Contractors: 5 of 5, shared part: 20 of 20)"));
        assertThat(a.problems(4)).containsExactly("the reserves add up to 5 seats but the pool has 4");
        assertThat(a.effectiveReserves(4)).containsEntry(0, 4);
        assertThat(new HashSet<>(a.problems(5))).isEmpty();
    }
}
