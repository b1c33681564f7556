package dev.usher.store.report;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.store.Database;

import java.time.Instant;
import java.util.Optional;

/**
 * How a session ended, read back from the seat events its end wrote (in the same transaction). A
 * server answers a heartbeat of an ended session with the reason; when the end happened on another
 * node, or before this node restarted, this is where it learns the reason. Nothing new is stored.
 */
public final class SqlSessionEnds {

    private final Database db;

    public SqlSessionEnds(Database db) {
        this.db = db;
    }

    /**
     * The newest event that ended {@code sessionId} at or after {@code since}: an expiry, a force release
     * or the client's own end. The time bound keeps the read on the events' time index (there is no index
     * by session, and the hot path that writes events should not pay for one).
     */
    public Optional<SeatEvent> lastEnd(String sessionId, Instant since) {
        return db.read(h -> h.createQuery("""
                        SELECT at, type, product, feature, user_name, host, session_id, seat_id, reason, detail
                        FROM seat_events
                        WHERE at >= :since AND session_id = :s AND type IN ('EXPIRY', 'FORCE_RELEASE', 'RELEASE')
                        ORDER BY id DESC LIMIT 1""")
                .bind("since", since.toEpochMilli()).bind("s", sessionId)
                .map((rs, ctx) -> new SeatEvent(Instant.ofEpochMilli(rs.getLong(1)), SeatEvent.Type.valueOf(rs.getString(2)),
                        new PoolKey(rs.getString(3), rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9), rs.getString(10)))
                .findFirst());
    }
}
