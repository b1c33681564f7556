package dev.usher.core.seat.decision;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.Person;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two records that are one person are merged: what the duplicate held moves to the survivor, and
 * the survivor never ends up with two seats of a pool. Where both hold a seat of a pool (the same
 * seat key), the duplicate's sessions join the survivor's seat and the duplicate's seat goes back;
 * otherwise the seat simply changes hands.
 */
public final class Merges {

    private Merges() {
    }

    /** A seat of the duplicate, with the sessions on it and its pool's seats in use. */
    public record FromSeat(HeldSeat seat, List<String> sessions, int inUse) {
        public FromSeat {
            sessions = List.copyOf(sessions);
        }
    }

    /**
     * @param fromSeats    the duplicate's seats, oldest first
     * @param intoSeats    the survivor's seats in those pools
     * @param fromSessions every session of the duplicate
     */
    public record Snapshot(Person into, Person from, List<FromSeat> fromSeats, Map<PoolKey, List<HeldSeat>> intoSeats,
                           List<String> fromSessions) {
        public Snapshot {
            fromSeats = List.copyOf(fromSeats);
            intoSeats = Map.copyOf(intoSeats);
            fromSessions = List.copyOf(fromSessions);
        }
    }

    /** What moved: seats that changed hands, seats given back (their sessions joined the survivor's), sessions moved. */
    public record Result(int seatsMoved, int seatsReleased, int sessionsMoved) {}

    public static Decision<Result> decide(Snapshot s, Instant now) {
        List<Effect> effects = new ArrayList<>();
        Map<PoolKey, List<HeldSeat>> into = new HashMap<>(s.intoSeats());
        Map<PoolKey, Integer> inUse = new HashMap<>();
        int moved = 0;
        int released = 0;
        for (FromSeat f : s.fromSeats()) {
            HeldSeat seat = f.seat();
            PoolKey pool = seat.pool();
            // The seat's own key says what it is held by (the pool's policy may have changed since it was taken).
            SeatKeyPolicy policy = SeatKeyPolicy.ofKey(seat.seatKey());
            String newKey = policy.seatKey(s.into().id(), seat.hostKey(), sessionOf(seat));
            HeldSeat keep = into.getOrDefault(pool, List.of()).stream()
                    .filter(k -> policy == SeatKeyPolicy.USER || k.seatKey().equals(newKey))
                    .findFirst().orElse(null);
            if (keep == null) {
                effects.add(new Effect.ReassignSeat(seat.id(), s.into().id(), s.into().name(), newKey));
                List<HeldSeat> held = new ArrayList<>(into.getOrDefault(pool, List.of()));
                held.add(seat);
                into.put(pool, held);
                moved++;
                continue;
            }
            if (keep.lingerUntil() != null && !f.sessions().isEmpty()) {
                effects.add(new Effect.SetLinger(keep.id(), null));
            }
            for (String session : f.sessions()) {
                effects.add(new Effect.MoveCheckout(session, pool, seat.id(), keep.id()));
            }
            int after = inUse.getOrDefault(pool, f.inUse()) - 1;
            inUse.put(pool, after);
            effects.add(new Effect.ReleaseSeat(seat.id(), pool));
            effects.add(CheckoutEnd.event(now, SeatEvent.Type.RELEASE, pool, s.from().name(), null, null, seat.id(), "merged",
                    "merged into " + s.into().name() + "; its sessions joined seat " + keep.id(), after));
            released++;
        }
        for (String session : s.fromSessions()) {
            effects.add(new Effect.MoveSession(session, s.into().id(), s.into().name()));
        }
        return new Decision<>(new Result(moved, released, s.fromSessions().size()), effects);
    }

    /** A per-session seat's key names its session ("s:ID"): it stays the same whoever holds it. */
    private static String sessionOf(HeldSeat seat) {
        return seat.seatKey().startsWith("s:") ? seat.seatKey().substring(2) : null;
    }
}
