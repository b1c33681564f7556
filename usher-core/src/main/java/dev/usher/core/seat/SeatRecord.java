package dev.usher.core.seat;

import java.time.Instant;
import java.util.List;

/** A held seat with every session attached to it, for the admin views. */
public record SeatRecord(String seatId, PoolKey pool, String seatKey, String user, Instant since,
                         Instant lingerUntil, List<SessionRecord> sessions) {}
