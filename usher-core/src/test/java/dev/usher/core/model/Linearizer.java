package dev.usher.core.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Judges answers given concurrently: is there one order of the calls, consistent with real time (a
 * call answered before another was sent comes first), in which the model gives every call the answer
 * the system gave, and ends in the state the system shows? A plain depth-first search over the
 * orders, pruned by the first answer that differs and by states already explored.
 */
public final class Linearizer {

    /** One call of a client: what, when sent and answered (System.nanoTime), and the answer. */
    public record Call(int client, Op op, long sent, long answered, Outcome outcome) {
        @Override
        public String toString() {
            return "client " + client + ": " + op.curl() + "  -> " + outcome;
        }
    }

    /** The order found, and the model and mapping after it. */
    public record Order(List<Call> calls, SeatModel model, SeatMapping mapping) {
    }

    private static final int BUDGET = 500_000;

    private final List<Call> calls;
    private final ObservedState end;
    private final List<KnownDisagreement> known;
    private final Set<String> explored = new HashSet<>();
    private int steps;

    private Linearizer(List<Call> calls, ObservedState end, List<KnownDisagreement> known) {
        this.calls = calls;
        this.end = end;
        this.known = known;
    }

    /** An order that explains every answer and the end state, or null when there is none. */
    public static Order find(SeatModel model, SeatMapping mapping, List<Call> calls, ObservedState end, List<KnownDisagreement> known) {
        if (calls.size() > 62) {
            throw new IllegalArgumentException("too many calls to order: " + calls.size());
        }
        Linearizer l = new Linearizer(calls, end, known);
        Order found = l.search(model, mapping, 0L, new ArrayList<>());
        if (found == null && l.steps >= BUDGET) {
            throw new IllegalStateException("gave up after " + BUDGET + " steps ordering " + calls.size() + " calls");
        }
        return found;
    }

    private Order search(SeatModel model, SeatMapping mapping, long done, List<Call> order) {
        if (++steps >= BUDGET) {
            return null;
        }
        if (Long.bitCount(done) == calls.size()) {
            return mapping.copy().compare(model.observe(), end) == null ? new Order(List.copyOf(order), model, mapping) : null;
        }
        if (!explored.add(done + "|" + model.observe() + "|" + mapping)) {
            return null;
        }
        for (int i = 0; i < calls.size(); i++) {
            if ((done & (1L << i)) != 0 || !ready(i, done)) {
                continue;
            }
            Call c = calls.get(i);
            SeatModel m = model.copy();
            SeatMapping map = mapping.copy();
            ObservedState before = m.observe();
            Outcome expected = m.apply(c.op());
            if (map.compare(expected, c.outcome()) != null
                    && known.stream().noneMatch(k -> k.matches(c.op(), before, expected, c.outcome()))) {
                continue;
            }
            order.add(c);
            Order found = search(m, map, done | (1L << i), order);
            if (found != null) {
                return found;
            }
            order.removeLast();
        }
        return null;
    }

    /** Every call answered before this one was sent is done. */
    private boolean ready(int i, long done) {
        for (int j = 0; j < calls.size(); j++) {
            if (j != i && (done & (1L << j)) == 0 && calls.get(j).answered() < calls.get(i).sent()) {
                return false;
            }
        }
        return true;
    }
}
