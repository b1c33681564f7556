package dev.usher.core.model;

import dev.usher.core.model.ObservedState.PoolRow;
import dev.usher.core.model.ObservedState.SeatRow;
import dev.usher.core.model.ObservedState.SessionRow;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs operations against the model and a system under test side by side: after each one it compares
 * the answers, compares what can be seen, and checks the invariants on the system's state. Seats are
 * matched by a one-to-one mapping built as they appear (the model's {@code m3} is the server's
 * {@code 7f0c...} from the first answer that names both), never by their ids.
 *
 * <p>On the first difference it throws an {@link AssertionError} whose message is the whole run as a
 * person would reproduce it: the set-up, then one command per step with what the model expected and
 * what the system answered.
 */
public final class Lockstep {

    private final SeatModel model;
    private final SystemUnderTest system;
    private final Invariants invariants;
    private final SeatMapping seats = new SeatMapping();
    private final List<String> transcript = new ArrayList<>();
    private final List<KnownDisagreement> known;
    private final Map<String, Integer> knownSeen = new java.util.LinkedHashMap<>();

    public Lockstep(SeatModel model, SystemUnderTest system) {
        this(model, system, List.of());
    }

    /** With disagreements already reported: each is let through (and counted) where it matches exactly. */
    public Lockstep(SeatModel model, SystemUnderTest system, List<KnownDisagreement> known) {
        this.model = model;
        this.system = system;
        this.known = known;
        this.invariants = new Invariants(system.observe());
    }

    /** How often each known disagreement was let through in this run. */
    public Map<String, Integer> knownSeen() {
        return knownSeen;
    }

    public void run(List<Op> ops) {
        for (Op op : ops) {
            step(op);
        }
    }

    public void step(Op op) {
        ObservedState modelBefore = model.observe();
        KnownDisagreement avoided = known.stream().filter(d -> d.avoids(op, modelBefore)).findFirst().orElse(null);
        if (avoided != null) {
            knownSeen.merge(avoided.name(), 1, Integer::sum);
            transcript.add("# left out: " + op.curl() + "   (known: " + avoided.name() + ")");
            return;
        }
        Outcome expected = model.apply(op);
        Outcome actual;
        try {
            actual = system.apply(op);
        } catch (RuntimeException e) {
            transcript.add(line(op, expected, null));
            throw fail("the " + system.name() + " failed: " + e, e);
        }
        transcript.add(line(op, expected, actual));
        String difference = seats.compare(expected, actual);
        if (difference != null) {
            KnownDisagreement k = known.stream().filter(d -> d.matches(op, modelBefore, expected, actual)).findFirst().orElse(null);
            if (k == null) {
                throw fail("answers differ: " + difference, null);
            }
            knownSeen.merge(k.name(), 1, Integer::sum);
            transcript.set(transcript.size() - 1, transcript.getLast() + "\n      (known: " + k.name() + ")");
        }
        ObservedState seen = system.observe();
        String stateDifference = seats.compare(model.observe(), seen);
        if (stateDifference != null) {
            throw fail("states differ after the last step: " + stateDifference, null);
        }
        List<String> violations = invariants.check(op, actual, seen);
        if (!violations.isEmpty()) {
            throw fail("invariants broken: " + String.join("; ", violations), null);
        }
    }

    private String line(Op op, Outcome expected, Outcome actual) {
        if (expected.status() == 0 && actual != null && actual.status() == 0) {
            return op.curl();
        }
        return op.curl() + "\n      model: " + expected + "\n      " + system.name() + ": " + (actual == null ? "(failed)" : actual);
    }

    private AssertionError fail(String why, Throwable cause) {
        StringBuilder b = new StringBuilder();
        b.append("The ").append(system.name()).append(" and the reference model disagree: ").append(why).append('\n');
        b.append("Reproduce (").append(setUp()).append("):\n");
        for (int i = 0; i < transcript.size(); i++) {
            b.append(String.format("  %2d. %s%n", i + 1, transcript.get(i)));
        }
        b.append("Seats then, model:  ").append(describe(model.observe(), false)).append('\n');
        b.append("Seats then, ").append(system.name()).append(": ").append(describe(system.observe(), true)).append('\n');
        return new AssertionError(b.toString(), cause);
    }

    /** The world's set-up in words, for the reproduction. */
    public static String setUp() {
        return "open mode, lease TTL " + World.LEASE_TTL.toSeconds() + " s, clock at " + World.START
                + "; users alice (alias a.smith), bob, carol, dave, erin; roles " + World.ROLES
                + "; licenses installed: " + World.INITIAL_LICENSES + " of " + World.LICENSES.values()
                + "; S=http://127.0.0.1:PORT/api/v1";
    }

    private String describe(ObservedState s, boolean system) {
        StringBuilder b = new StringBuilder();
        for (PoolRow p : s.pools()) {
            b.append(p.pool()).append(" capacity ").append(p.capacity()).append(" inUse ").append(p.inUse()).append(" (").append(p.seatKeyPolicy()).append("); ");
        }
        for (SeatRow r : s.seats()) {
            String ref = system ? seats.modelRef(r.seat()) : r.seat();
            b.append(ref).append('=').append(r.pool()).append(':').append(r.person());
            if (r.lingerUntil() != null) {
                b.append(" lingering to ").append(r.lingerUntil());
            }
            if (r.borrowedUntil() != null) {
                b.append(" on loan to ").append(r.borrowedUntil());
            }
            b.append(r.sessions().stream().map(x -> x.session() + "@" + Names.host(x.host()) + " until " + x.leaseExpiresAt()).toList()).append("; ");
        }
        return b.toString();
    }

}
