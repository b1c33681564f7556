package dev.usher.store.seat;

import dev.usher.core.assignment.Charge;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/** How seats and sessions are read: the columns every loader selects, and their mapping. */
final class SeatRows {

    private SeatRows() {
    }

    /** Seat columns, from {@code seats s JOIN users u ON u.id = s.user_id}. */
    static final String SEAT_COLUMNS = "s.id, s.product, s.feature, s.seat_key, s.user_id, u.name, s.host_key, s.created_at,"
            + " s.linger_until, s.borrowed_until, s.charge, s.sessions, s.grant_session";

    /** Session columns, from {@code sessions x JOIN users u ON u.id = x.user_id}. */
    static final String SESSION_COLUMNS = "x.id, x.user_id, u.name, x.host, x.host_key, x.client, x.created_at, x.last_heartbeat_at,"
            + " x.lease_expires_at";

    /** A seat from {@link #SEAT_COLUMNS}, starting at column {@code at}; its limits are filled in later. */
    static HeldSeat seat(ResultSet rs, int at) throws SQLException {
        return new HeldSeat(rs.getString(at), new PoolKey(rs.getString(at + 1), rs.getString(at + 2)), rs.getString(at + 3),
                rs.getLong(at + 4), rs.getString(at + 5), rs.getString(at + 6), rs.getLong(at + 7), nullableLong(rs, at + 8),
                nullableLong(rs, at + 9), Charge.fromCode(rs.getString(at + 10)), Set.of(), rs.getInt(at + 11),
                rs.getString(at + 12));
    }

    static LiveSession session(ResultSet rs, int at, Map<PoolKey, String> checkouts) throws SQLException {
        return new LiveSession(rs.getString(at), rs.getLong(at + 1), rs.getString(at + 2), rs.getString(at + 3),
                rs.getString(at + 4), rs.getString(at + 5), rs.getLong(at + 6), rs.getLong(at + 7), rs.getLong(at + 8), checkouts);
    }

    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
