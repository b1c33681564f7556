package dev.usher.store.seat;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.core.seat.state.SeatBook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows a group of decisions changes, worked out from their effects and the state they left in
 * the book: each session, seat and checkout touched is inserted, updated or deleted once, whatever
 * number of decisions touched it (a seat granted and taken back in one group is never written). The
 * writers only turn this into statements; nothing here decides anything.
 */
record RowChanges(List<Effect.CreatePerson> newPeople, Map<Long, Instant> seenPeople,
                  List<LiveSession> newSessions, List<LiveSession> changedSessions, List<String> goneSessions,
                  List<HeldSeat> newSeats, List<HeldSeat> changedSeats, List<String> goneSeats,
                  List<Checkout> newCheckouts, List<Checkout> movedCheckouts, List<Checkout> goneCheckouts,
                  Map<PoolKey, Integer> inUseDeltas, List<Effect.RecordEvent> events) {

    /** A checkout row; {@code seatId} and {@code at} are null for one that goes. */
    record Checkout(String sessionId, PoolKey pool, String seatId, Instant at) {}

    private record CheckoutKey(String sessionId, PoolKey pool) {}

    boolean isEmpty() {
        return newPeople.isEmpty() && seenPeople.isEmpty() && newSessions.isEmpty() && changedSessions.isEmpty()
                && goneSessions.isEmpty() && newSeats.isEmpty() && changedSeats.isEmpty() && goneSeats.isEmpty()
                && newCheckouts.isEmpty() && movedCheckouts.isEmpty() && goneCheckouts.isEmpty() && events.isEmpty();
    }

    /** {@code after}: the book once every effect was applied. */
    static RowChanges of(List<Effect> effects, SeatBook after) {
        List<Effect.CreatePerson> newPeople = new ArrayList<>();
        Map<Long, Instant> seen = new LinkedHashMap<>();
        // For each row touched: whether it existed before the group (the first effect on it says).
        Map<String, Boolean> sessionExisted = new LinkedHashMap<>();
        Map<String, Boolean> seatExisted = new LinkedHashMap<>();
        Map<CheckoutKey, Boolean> checkoutExisted = new LinkedHashMap<>();
        Map<CheckoutKey, Instant> attachedAt = new HashMap<>();
        Map<PoolKey, Integer> inUse = new LinkedHashMap<>();
        List<Effect.RecordEvent> events = new ArrayList<>();
        for (Effect e : effects) {
            switch (e) {
                case Effect.CreatePerson c -> newPeople.add(c);
                case Effect.TouchPerson t -> seen.merge(t.id(), t.at(), (a, b) -> a.isAfter(b) ? a : b);
                case Effect.StartSession s -> sessionExisted.putIfAbsent(s.id(), false);
                case Effect.RenewLease r -> sessionExisted.putIfAbsent(r.sessionId(), true);
                case Effect.EndSession s -> sessionExisted.putIfAbsent(s.sessionId(), true);
                case Effect.MoveSession m -> sessionExisted.putIfAbsent(m.sessionId(), true);
                case Effect.InsertSeat i -> {
                    seatExisted.putIfAbsent(i.seatId(), false);
                    inUse.merge(i.pool(), 1, Integer::sum);
                }
                case Effect.ReleaseSeat r -> {
                    seatExisted.putIfAbsent(r.seatId(), true);
                    inUse.merge(r.pool(), -1, Integer::sum);
                }
                case Effect.SetLinger l -> seatExisted.putIfAbsent(l.seatId(), true);
                case Effect.SetLoan l -> seatExisted.putIfAbsent(l.seatId(), true);
                case Effect.ReassignSeat r -> seatExisted.putIfAbsent(r.seatId(), true);
                case Effect.AttachCheckout a -> {
                    CheckoutKey k = new CheckoutKey(a.sessionId(), a.pool());
                    checkoutExisted.putIfAbsent(k, false);
                    attachedAt.put(k, a.at());
                    seatExisted.putIfAbsent(a.seatId(), true); // its session count changes
                }
                case Effect.EndCheckout c -> {
                    checkoutExisted.putIfAbsent(new CheckoutKey(c.sessionId(), c.pool()), true);
                    seatExisted.putIfAbsent(c.seatId(), true);
                }
                case Effect.MoveCheckout m -> {
                    checkoutExisted.putIfAbsent(new CheckoutKey(m.sessionId(), m.pool()), true);
                    seatExisted.putIfAbsent(m.fromSeatId(), true);
                    seatExisted.putIfAbsent(m.toSeatId(), true);
                }
                case Effect.RecordEvent r -> events.add(r);
            }
        }
        List<LiveSession> newSessions = new ArrayList<>();
        List<LiveSession> changedSessions = new ArrayList<>();
        List<String> goneSessions = new ArrayList<>();
        sessionExisted.forEach((id, existed) -> {
            var now = after.session(id);
            if (now.isPresent()) {
                (existed ? changedSessions : newSessions).add(now.get());
            } else if (existed) {
                goneSessions.add(id);
            }
        });
        List<HeldSeat> newSeats = new ArrayList<>();
        List<HeldSeat> changedSeats = new ArrayList<>();
        List<String> goneSeats = new ArrayList<>();
        seatExisted.forEach((id, existed) -> {
            var now = after.seat(id);
            if (now.isPresent()) {
                (existed ? changedSeats : newSeats).add(now.get());
            } else if (existed) {
                goneSeats.add(id);
            }
        });
        List<Checkout> newCheckouts = new ArrayList<>();
        List<Checkout> moved = new ArrayList<>();
        List<Checkout> gone = new ArrayList<>();
        checkoutExisted.forEach((k, existed) -> {
            String seat = after.session(k.sessionId()).map(s -> s.checkouts().get(k.pool())).orElse(null);
            if (seat != null) {
                if (existed && attachedAt.containsKey(k)) {
                    // Ended and taken again in this group (a lapsed session restarted): a new row, after the old
                    // one and its seat are gone (the new seat may have the old one's key).
                    gone.add(new Checkout(k.sessionId(), k.pool(), null, null));
                    newCheckouts.add(new Checkout(k.sessionId(), k.pool(), seat, attachedAt.get(k)));
                } else if (existed) {
                    moved.add(new Checkout(k.sessionId(), k.pool(), seat, null));
                } else {
                    newCheckouts.add(new Checkout(k.sessionId(), k.pool(), seat, attachedAt.get(k)));
                }
            } else if (existed) {
                gone.add(new Checkout(k.sessionId(), k.pool(), null, null));
            }
        });
        inUse.values().removeIf(d -> d == 0);
        return new RowChanges(newPeople, seen, newSessions, changedSessions, goneSessions, newSeats, changedSeats, goneSeats,
                newCheckouts, moved, gone, inUse, events);
    }
}
