package dev.usher.core.seat;

import java.time.Instant;
import java.util.List;

/**
 * A held seat with every session attached to it, for the admin views.
 *
 * @param borrowedUntil when the seat is on loan (borrowed for offline use), the end of the loan; else null
 */
public record SeatRecord(String seatId, PoolKey pool, String seatKey, String user, Instant since,
                         Instant lingerUntil, List<SessionRecord> sessions, Instant borrowedUntil) {

    public SeatRecord(String seatId, PoolKey pool, String seatKey, String user, Instant since,
                      Instant lingerUntil, List<SessionRecord> sessions) {
        this(seatId, pool, seatKey, user, since, lingerUntil, sessions, null);
    }
}
