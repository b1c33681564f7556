package dev.usher.core.seat.state;

import dev.usher.core.assignment.Assignments;
import dev.usher.core.assignment.Charge;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a pool holds right now, counted: seats in use (lingering and lent ones included), per
 * reserve and in the shared part, and per limit rule. Assignment rules decide on these numbers;
 * keeping them counted is what lets a decision read a few integers instead of the pool's seats.
 */
public record PoolTally(int inUse, Map<Integer, Integer> perReserve, int shared, Map<Integer, Integer> perLimit) {

    public static final PoolTally EMPTY = new PoolTally(0, Map.of(), 0, Map.of());

    public PoolTally {
        perReserve = Map.copyOf(perReserve);
        perLimit = Map.copyOf(perLimit);
        if (inUse < 0 || shared < 0) {
            throw new IllegalStateException("a pool cannot hold " + inUse + " seats (" + shared + " shared)");
        }
    }

    /** The numbers as the assignment rules read them. */
    public Assignments.Usage usage() {
        return new Assignments.Usage(inUse, perReserve, shared, perLimit);
    }

    /** The tally with one seat more ({@code +1}) or less ({@code -1}) of this charge, counted against these limits. */
    public PoolTally plus(int delta, Charge charge, Set<Integer> limits) {
        Map<Integer, Integer> reserves = perReserve;
        int sharedNow = shared;
        if (charge instanceof Charge.Reserve r) {
            reserves = new HashMap<>(perReserve);
            reserves.merge(r.ruleIndex(), delta, Integer::sum);
        } else {
            sharedNow += delta;
        }
        Map<Integer, Integer> lim = perLimit;
        if (!limits.isEmpty()) {
            lim = new HashMap<>(perLimit);
            for (int i : limits) {
                lim.merge(i, delta, Integer::sum);
            }
        }
        return new PoolTally(inUse + delta, reserves, sharedNow, lim);
    }
}
