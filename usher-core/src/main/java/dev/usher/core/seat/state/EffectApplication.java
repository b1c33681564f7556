package dev.usher.core.seat.state;

import java.util.Map;
import java.util.Set;

/**
 * How each effect changes a seat book's tables. Each change checks what its decision assumed (a new seat's key holds no
 * seat, a session ends without checkouts, a seat goes with no session on it), so a wrong decision fails here, in
 * memory, before any store writes it.
 */
final class EffectApplication {

    private EffectApplication() {
    }

    static void apply(SeatBook book, SeatTables t, LoadedParts loaded, Effect effect) {
        switch (effect) {
            case Effect.CreatePerson c -> {
                Person p = new Person(c.id(), c.name(), true, Set.of(book.allUsersRole()));
                t.putPerson(p, c.key());
                if (loaded.markPerson(p.id())) {
                    t.journal(() -> loaded.unmarkPerson(p.id()));
                }
            }
            case Effect.TouchPerson ignored -> {
                // last-seen lives in the directory, not in seat decisions
            }
            case Effect.StartSession s -> {
                if (t.sessions.containsKey(s.id())) {
                    throw new IllegalStateException("session " + s.id() + " already exists");
                }
                t.putSession(new LiveSession(s.id(), s.userId(), s.userName(), s.host(), s.hostKey(), s.client(),
                        s.at().toEpochMilli(), s.at().toEpochMilli(), s.leaseEnd().toEpochMilli(), Map.of()));
            }
            case Effect.RenewLease r -> t.putSession(existingSession(book, r.sessionId()).renewed(r.at().toEpochMilli(), r.leaseEnd().toEpochMilli()));
            case Effect.EndSession e -> {
                LiveSession s = existingSession(book, e.sessionId());
                if (!s.checkouts().isEmpty()) {
                    throw new IllegalStateException("session " + e.sessionId() + " still holds " + s.checkouts().keySet());
                }
                t.removeSession(s.id());
            }
            case Effect.InsertSeat i -> {
                if (t.seats.containsKey(i.seatId())) {
                    throw new IllegalStateException("seat " + i.seatId() + " already exists");
                }
                String holder = t.indexes.ofKey(i.pool(), i.seatKey());
                if (holder != null) {
                    // Invariant 2 (one seat per key), checked where the seat is made, whatever the store.
                    throw new IllegalStateException("key " + i.seatKey() + " already holds seat " + holder + " of " + i.pool());
                }
                t.putSeat(new HeldSeat(i.seatId(), i.pool(), i.seatKey(), i.userId(), i.userName(), i.hostKey(),
                        i.at().toEpochMilli(), null, null, i.charge(), i.limits(), 0, i.grantSession()));
                t.putTally(i.pool(), book.tally(i.pool()).plus(+1, i.charge(), i.limits()));
                if (loaded.markSeat(i.seatId())) {
                    t.journal(() -> loaded.unmarkSeat(i.seatId()));
                }
                if (loaded.markSessionsOn(i.seatId())) {
                    t.journal(() -> loaded.unmarkSessionsOn(i.seatId()));
                }
            }
            case Effect.AttachCheckout a -> {
                LiveSession s = existingSession(book, a.sessionId());
                if (s.checkouts().containsKey(a.pool())) {
                    throw new IllegalStateException("session " + a.sessionId() + " already holds a seat of " + a.pool());
                }
                HeldSeat seat = existingSeat(book, a.seatId());
                if (!seat.pool().equals(a.pool())) {
                    throw new IllegalStateException("seat " + a.seatId() + " is of " + seat.pool() + ", not " + a.pool());
                }
                // The seat's own pool and id objects: one of each per seat, however many sessions it has.
                t.putSession(s.withCheckout(seat.pool(), seat.id()));
                t.putSeat(seat.withAttached(seat.attached() + 1));
                onSeat(t, loaded, a.seatId(), a.sessionId(), true);
            }
            case Effect.EndCheckout e -> {
                LiveSession s = existingSession(book, e.sessionId());
                if (!e.seatId().equals(s.checkouts().get(e.pool()))) {
                    throw new IllegalStateException("session " + e.sessionId() + " holds no seat " + e.seatId() + " of " + e.pool());
                }
                HeldSeat seat = existingSeat(book, e.seatId());
                t.putSession(s.withCheckout(e.pool(), null));
                t.putSeat(seat.withAttached(seat.attached() - 1));
                onSeat(t, loaded, e.seatId(), e.sessionId(), false);
            }
            case Effect.SetLinger l -> t.putSeat(existingSeat(book, l.seatId()).withLinger(l.until() == null ? null : l.until().toEpochMilli()));
            case Effect.SetLoan l -> t.putSeat(existingSeat(book, l.seatId()).withLoan(l.until() == null ? null : l.until().toEpochMilli()));
            case Effect.ReleaseSeat r -> {
                HeldSeat seat = existingSeat(book, r.seatId());
                if (seat.attached() != 0) {
                    throw new IllegalStateException("seat " + r.seatId() + " still has " + seat.attached() + " session(s)");
                }
                t.removeSeat(seat.id());
                t.putTally(seat.pool(), book.tally(seat.pool()).plus(-1, seat.charge(), seat.limits()));
            }
            case Effect.MoveSession m -> t.putSession(existingSession(book, m.sessionId()).ownedBy(m.toUserId(), m.toUserName()));
            case Effect.MoveCheckout m -> {
                LiveSession s = existingSession(book, m.sessionId());
                HeldSeat from = existingSeat(book, m.fromSeatId());
                HeldSeat to = existingSeat(book, m.toSeatId());
                if (!to.pool().equals(m.pool())) {
                    throw new IllegalStateException("seat " + m.toSeatId() + " is of " + to.pool() + ", not " + m.pool());
                }
                t.putSession(s.withCheckout(to.pool(), to.id()));
                t.putSeat(from.withAttached(from.attached() - 1));
                t.putSeat(to.withAttached(to.attached() + 1));
                onSeat(t, loaded, m.fromSeatId(), m.sessionId(), false);
                onSeat(t, loaded, m.toSeatId(), m.sessionId(), true);
            }
            case Effect.ReassignSeat r -> t.putSeat(existingSeat(book, r.seatId()).ownedBy(r.toUserId(), r.toUserName(), r.seatKey()));
            case Effect.RecordEvent ignored -> {
                // history is the store's
            }
        }
    }

    private static LiveSession existingSession(SeatBook book, String id) {
        return book.session(id).orElseThrow(() -> new IllegalStateException("session " + id + " does not exist"));
    }

    private static HeldSeat existingSeat(SeatBook book, String id) {
        return book.seat(id).orElseThrow(() -> new IllegalStateException("seat " + id + " does not exist"));
    }

    /** A partial book may count a seat's sessions ({@code attached}) without listing them: then only the count moves. */
    private static void onSeat(SeatTables t, LoadedParts loaded, String seatId, String sessionId, boolean attach) {
        if (loaded.listsSessionsOn(seatId)) {
            t.onSeat(seatId, sessionId, attach);
        }
    }
}
