package dev.usher.core.seat.state;

import dev.usher.core.assignment.Charge;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;

import java.time.Instant;
import java.util.Set;

/**
 * One change a seat decision makes. Decisions are pure: they return effects, and whoever owns the
 * state applies them: {@link SeatBook#apply} in memory, and the store's writers in the database, in
 * the same order. Effects say what happens, not how it is stored; counts (a pool's seats in use, a
 * seat's sessions) follow from them.
 */
public sealed interface Effect {

    /** A name seen for the first time becomes a person (open mode with automatic users). */
    record CreatePerson(long id, String name, String key, Instant at) implements Effect {}

    /** The person was seen now (their last-seen time). */
    record TouchPerson(long id, Instant at) implements Effect {}

    record StartSession(String id, long userId, String userName, String host, String hostKey, String client, Instant at,
                        Instant leaseEnd) implements Effect {}

    /** The session was heard from at {@code at}; its lease ends no earlier than {@code leaseEnd}. */
    record RenewLease(String sessionId, Instant at, Instant leaseEnd) implements Effect {}

    /** The session is gone; its checkouts were ended before (by {@link EndCheckout}). */
    record EndSession(String sessionId) implements Effect {}

    /** A new seat, granted to {@code grantSession} (which the seat remembers: {@link HeldSeat#grantSession()}). */
    record InsertSeat(String seatId, PoolKey pool, String seatKey, long userId, String userName, String hostKey, Instant at,
                      Charge charge, Set<Integer> limits, String grantSession) implements Effect {
        public InsertSeat {
            limits = Set.copyOf(limits);
        }
    }

    /** The session holds {@code seatId} in {@code pool} (a new seat, or one it joins). */
    record AttachCheckout(String sessionId, PoolKey pool, String seatId, Instant at) implements Effect {}

    record EndCheckout(String sessionId, PoolKey pool, String seatId) implements Effect {}

    /** The seat outlives its last session until {@code until} (null: it no longer lingers). */
    record SetLinger(String seatId, Instant until) implements Effect {}

    /** The seat is on loan until {@code until} (null: the loan ended). */
    record SetLoan(String seatId, Instant until) implements Effect {}

    /** The seat goes back to its pool. */
    record ReleaseSeat(String seatId, PoolKey pool) implements Effect {}

    /** A session moves to another person (people merged). */
    record MoveSession(String sessionId, long toUserId, String toUserName) implements Effect {}

    /** A checkout moves to another seat of the same pool (people merged: the duplicate's sessions join the survivor's seat). */
    record MoveCheckout(String sessionId, PoolKey pool, String fromSeatId, String toSeatId) implements Effect {}

    /** A seat changes hands (people merged) and so its key. */
    record ReassignSeat(String seatId, long toUserId, String toUserName, String seatKey) implements Effect {}

    /** History: the event, with the pool's seats in use after it (the usage timeline). */
    record RecordEvent(SeatEvent event, int inUseAfter) implements Effect {}
}
