package dev.usher.core.seat.state;

import dev.usher.core.assignment.Charge;
import dev.usher.core.seat.PoolKey;

import java.util.Set;

/**
 * A seat held in a pool.
 *
 * @param seatKey      what the seat is held by ({@code SeatKeyPolicy#seatKey}): unique in its pool
 * @param lingerUntil  epoch ms while the seat outlives its last session (a linger, or a loan's holder offline), else null
 * @param borrowedUntil epoch ms while the seat is on loan, else null
 * @param charge       the reserve or shared part the seat counts against (fixed when granted)
 * @param limits       indexes of the pool's limit rules that cover the holder (what the seat counts against)
 * @param attached     how many sessions are attached to the seat
 * @param grantSession the session the seat was granted to (kept whoever holds it later and whatever the pool's
 *                     policy becomes: under the session policy that session finds the seat again); null when not
 *                     known (a seat stored before it was remembered, whose key does not name its session)
 */
public record HeldSeat(String id, PoolKey pool, String seatKey, long userId, String userName, String hostKey,
                       long createdAt, Long lingerUntil, Long borrowedUntil, Charge charge, Set<Integer> limits,
                       int attached, String grantSession) {

    public HeldSeat {
        limits = Set.copyOf(limits);
        if (attached < 0) {
            throw new IllegalArgumentException("a seat cannot have " + attached + " sessions");
        }
    }

    /** On loan at {@code now}. */
    public boolean onLoanAt(long now) {
        return borrowedUntil != null && borrowedUntil > now;
    }

    HeldSeat withAttached(int n) {
        return new HeldSeat(id, pool, seatKey, userId, userName, hostKey, createdAt, lingerUntil, borrowedUntil, charge,
                limits, n, grantSession);
    }

    HeldSeat withLinger(Long until) {
        return new HeldSeat(id, pool, seatKey, userId, userName, hostKey, createdAt, until, borrowedUntil, charge,
                limits, attached, grantSession);
    }

    HeldSeat withLoan(Long until) {
        return new HeldSeat(id, pool, seatKey, userId, userName, hostKey, createdAt, lingerUntil, until, charge,
                limits, attached, grantSession);
    }

    HeldSeat ownedBy(long newUserId, String newUserName, String newSeatKey) {
        return new HeldSeat(id, pool, newSeatKey, newUserId, newUserName, hostKey, createdAt, lingerUntil, borrowedUntil, charge,
                limits, attached, grantSession);
    }

    HeldSeat withLimits(Set<Integer> newLimits) {
        return new HeldSeat(id, pool, seatKey, userId, userName, hostKey, createdAt, lingerUntil, borrowedUntil, charge, newLimits,
                attached, grantSession);
    }
}
