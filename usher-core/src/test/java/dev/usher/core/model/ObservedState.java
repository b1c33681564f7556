package dev.usher.core.model;

import dev.usher.core.model.World.Pool;

import java.time.Instant;
import java.util.List;

/**
 * What can be seen of seats at one moment, as an administrator sees it (GET /api/v1/pools and
 * GET /api/v1/seats): each pool's capacity, seats in use, seat-key policy and linger, and each seat with its
 * holder, since when, lingering or borrowed until when, and its sessions.
 */
public record ObservedState(Instant now, List<PoolRow> pools, List<SeatRow> seats) {

    public record PoolRow(Pool pool, int capacity, int inUse, String seatKeyPolicy, int lingerSeconds) {
    }

    /** {@code seat} is an opaque reference (see {@link Outcome}); {@code user} as the system shows it. */
    public record SeatRow(String seat, Pool pool, String user, Instant since, Instant lingerUntil, Instant borrowedUntil,
                          List<SessionRow> sessions) {
        public String person() {
            return Names.person(user);
        }
    }

    public record SessionRow(String session, String user, String host, Instant leaseExpiresAt) {
    }

    public PoolRow pool(Pool p) {
        return pools.stream().filter(r -> r.pool().equals(p)).findFirst().orElse(null);
    }

    public List<SeatRow> seatsOf(Pool p) {
        return seats.stream().filter(s -> s.pool().equals(p)).toList();
    }

    public SeatRow seat(String ref) {
        return seats.stream().filter(s -> s.seat().equals(ref)).findFirst().orElse(null);
    }
}
