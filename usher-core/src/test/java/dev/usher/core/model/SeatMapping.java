package dev.usher.core.model;

import dev.usher.core.model.ObservedState.PoolRow;
import dev.usher.core.model.ObservedState.SeatRow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one-to-one mapping between the model's seats and a system's, built as seats appear, and the
 * comparisons that use it: two answers, or two states, are equal when they are equal with every seat
 * read through the mapping. Copied to explore orders of concurrent operations.
 */
public final class SeatMapping {

    private final Map<String, String> modelToSystem = new HashMap<>();
    private final Map<String, String> systemToModel = new HashMap<>();

    public SeatMapping copy() {
        SeatMapping c = new SeatMapping();
        c.modelToSystem.putAll(modelToSystem);
        c.systemToModel.putAll(systemToModel);
        return c;
    }

    /** The model's name for a system seat (the system's own when not mapped yet). */
    public String modelRef(String systemRef) {
        return systemToModel.getOrDefault(systemRef, systemRef);
    }

    @Override
    public String toString() {
        return modelToSystem.toString();
    }

    /** Null when equal under the seat mapping; else what differs. Non-HTTP steps (status 0) are not compared. */
    public String compare(Outcome expected, Outcome actual) {
        if (expected.status() == 0) {
            return null;
        }
        List<String> d = new ArrayList<>();
        if (expected.status() != actual.status()) {
            d.add("status " + expected.status() + " vs " + actual.status());
        }
        if (!Objects.equals(expected.kind(), actual.kind())) {
            d.add("'" + expected.kind() + "' vs '" + actual.kind() + "'");
        }
        if ((expected.seat() == null) != (actual.seat() == null)) {
            d.add("seat " + expected.seat() + " vs " + actual.seat());
        } else if (expected.seat() != null && !bind(expected.seat(), actual.seat())) {
            d.add("seat " + expected.seat() + " is " + modelToSystem.get(expected.seat()) + " but the answer names " + actual.seat()
                    + " (model's " + systemToModel.get(actual.seat()) + ")");
        }
        same(d, "sharedWithSessions", expected.shared(), actual.shared());
        same(d, "capacity", expected.capacity(), actual.capacity());
        same(d, "inUse", expected.inUse(), actual.inUse());
        same(d, "leaseExpiresAt", expected.leaseExpiresAt(), actual.leaseExpiresAt());
        same(d, "released", expected.released(), actual.released());
        same(d, "renewed", expected.renewed(), actual.renewed());
        return d.isEmpty() ? null : String.join(", ", d);
    }

    private static void same(List<String> d, String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            d.add(what + " " + expected + " vs " + actual);
        }
    }

    /** Maps the model's seat to the system's; false when either is already mapped to another. */
    private boolean bind(String modelRef, String systemRef) {
        String s = modelToSystem.get(modelRef);
        String m = systemToModel.get(systemRef);
        if (s == null && m == null) {
            modelToSystem.put(modelRef, systemRef);
            systemToModel.put(systemRef, modelRef);
            return true;
        }
        return systemRef.equals(s) && modelRef.equals(m);
    }

    /** Null when the two states are the same under the seat mapping. */
    public String compare(ObservedState expected, ObservedState actual) {
        List<String> d = new ArrayList<>();
        if (!expected.pools().equals(sorted(actual.pools()))) {
            d.add("pools " + expected.pools() + " vs " + actual.pools());
        }
        // Seats not yet mapped pair up by what they are (pool, person, sessions).
        for (SeatRow m : expected.seats()) {
            if (modelToSystem.containsKey(m.seat())) {
                continue;
            }
            for (SeatRow s : actual.seats()) {
                if (!systemToModel.containsKey(s.seat()) && normal(m).equals(normal(s))) {
                    bind(m.seat(), s.seat());
                    break;
                }
            }
        }
        List<SeatView> want = expected.seats().stream().map(s -> view(s.seat(), s)).sorted(Comparator.comparing(SeatView::seat)).toList();
        List<SeatView> got = actual.seats().stream().map(s -> view(systemToModel.getOrDefault(s.seat(), "unmapped " + s.seat()), s))
                .sorted(Comparator.comparing(SeatView::seat)).toList();
        if (!want.equals(got)) {
            d.add("seats " + want + " vs " + got);
        }
        return d.isEmpty() ? null : String.join("; ", d);
    }

    private static List<PoolRow> sorted(List<PoolRow> pools) {
        List<PoolRow> byModelOrder = new ArrayList<>();
        for (World.Pool p : World.POOLS) {
            pools.stream().filter(r -> r.pool().equals(p)).forEach(byModelOrder::add);
        }
        return byModelOrder;
    }

    record SessionView(String session, String person, String host, Instant lease) {
    }

    record SeatView(String seat, World.Pool pool, String person, Instant since, Instant lingerUntil, Instant borrowedUntil,
                    List<SessionView> sessions) {
    }

    private static SeatView view(String ref, SeatRow s) {
        return new SeatView(ref, s.pool(), s.person(), s.since(), s.lingerUntil(), s.borrowedUntil(), sessions(s));
    }

    private static SeatView normal(SeatRow s) {
        return view("", s);
    }

    private static List<SessionView> sessions(SeatRow s) {
        return s.sessions().stream().map(r -> new SessionView(r.session(), Names.person(r.user()), Names.host(r.host()), r.leaseExpiresAt()))
                .sorted(Comparator.comparing(SessionView::session)).toList();
    }
}
