package dev.usher.store.seat;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.store.StoreException;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Writes a group's {@link RowChanges} statement by statement, the way an embedded database likes it:
 * SQLite runs in this process, so a statement costs microseconds and there is no round trip to save.
 * Statements are prepared once per connection (parsing costs more than running them here). The order
 * keeps every foreign key satisfied at each statement: what goes away first, then what comes.
 */
final class ScriptWriter {

    private final StatementCache statements = new StatementCache();
    private Connection connection;

    void write(Connection c, RowChanges rows) {
        connection = c;
        try {
            for (RowChanges.Checkout k : rows.goneCheckouts()) {
                run("DELETE FROM checkouts WHERE session_id = ? AND product = ? AND feature = ?", k.sessionId(), k.pool().product(),
                        k.pool().feature());
            }
            // Checkouts that move to another (existing) seat leave theirs before it may go.
            for (RowChanges.Checkout k : rows.movedCheckouts()) {
                run("UPDATE checkouts SET seat_id = ? WHERE session_id = ? AND product = ? AND feature = ?",
                        k.seatId(), k.sessionId(), k.pool().product(), k.pool().feature());
            }
            for (String id : rows.goneSessions()) {
                run("DELETE FROM sessions WHERE id = ?", id);
            }
            for (String id : rows.goneSeats()) {
                run("DELETE FROM seats WHERE id = ?", id);
            }
            for (Effect.CreatePerson p : rows.newPeople()) {
                long at = p.at().toEpochMilli();
                run("INSERT INTO users (id, name, name_key, created_at, last_seen_at, source, enabled) VALUES (?, ?, ?, ?, ?, 'auto', 1)",
                        p.id(), p.name(), p.key(), at, at);
                run("INSERT INTO user_aliases (alias_key, user_id, alias, created_at) VALUES (?, ?, ?, ?)", p.key(), p.id(), p.name(), at);
            }
            for (var seen : rows.seenPeople().entrySet()) {
                long at = seen.getValue().toEpochMilli();
                run("UPDATE users SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?", at, seen.getKey(), at);
            }
            for (LiveSession s : rows.newSessions()) {
                run("""
                        INSERT INTO sessions (id, user_id, host, host_key, client, created_at, last_heartbeat_at, lease_expires_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                        s.id(), s.userId(), s.host(), s.hostKey(), s.client(), s.createdAt(), s.lastHeartbeat(), s.leaseEnd());
            }
            for (LiveSession s : rows.changedSessions()) {
                // Leases only grow here: a heartbeat flush may have stored a later one meanwhile.
                run("""
                        UPDATE sessions SET user_id = ?, host = ?, host_key = ?, client = ?, created_at = ?,
                          last_heartbeat_at = MAX(last_heartbeat_at, ?), lease_expires_at = MAX(lease_expires_at, ?)
                        WHERE id = ?""",
                        s.userId(), s.host(), s.hostKey(), s.client(), s.createdAt(), s.lastHeartbeat(), s.leaseEnd(), s.id());
            }
            for (HeldSeat s : rows.newSeats()) {
                run("""
                        INSERT INTO seats (id, product, feature, seat_key, user_id, host_key, created_at, linger_until, borrowed_until,
                          charge, sessions, grant_session)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        s.id(), s.pool().product(), s.pool().feature(), s.seatKey(), s.userId(), s.hostKey(), s.createdAt(),
                        s.lingerUntil(), s.borrowedUntil(), s.charge().code(), s.attached(), s.grantSession());
            }
            for (HeldSeat s : rows.changedSeats()) {
                run("UPDATE seats SET user_id = ?, seat_key = ?, linger_until = ?, borrowed_until = ?, sessions = ? WHERE id = ?",
                        s.userId(), s.seatKey(), s.lingerUntil(), s.borrowedUntil(), s.attached(), s.id());
            }
            for (RowChanges.Checkout k : rows.newCheckouts()) {
                run("INSERT INTO checkouts (session_id, product, feature, seat_id, created_at) VALUES (?, ?, ?, ?, ?)",
                        k.sessionId(), k.pool().product(), k.pool().feature(), k.seatId(), k.at().toEpochMilli());
            }
            for (var d : rows.inUseDeltas().entrySet()) {
                PoolKey pool = d.getKey();
                if (d.getValue() > 0) {
                    run("""
                            INSERT INTO pool_counters (product, feature, in_use) VALUES (?, ?, ?)
                            ON CONFLICT (product, feature) DO UPDATE SET in_use = in_use + excluded.in_use""",
                            pool.product(), pool.feature(), d.getValue());
                } else {
                    // A plain update: the upsert's insert row would trip the CHECK before the conflict resolves.
                    run("UPDATE pool_counters SET in_use = in_use + ? WHERE product = ? AND feature = ?",
                            d.getValue(), pool.product(), pool.feature());
                }
            }
            for (Effect.RecordEvent r : rows.events()) {
                var e = r.event();
                run("""
                        INSERT INTO seat_events (at, type, product, feature, user_name, host, session_id, seat_id, reason, detail, in_use)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                        e.at().toEpochMilli(), e.type().name(), e.pool().product(), e.pool().feature(), e.user(), e.host(),
                        e.sessionId(), e.seatId(), e.reason(), e.detail(), r.inUseAfter());
            }
        } catch (SQLException e) {
            throw new StoreException("the seat changes could not be written: " + e.getMessage(), e);
        }
    }

    private void run(String sql, Object... values) throws SQLException {
        statements.bound(connection, sql, values).executeUpdate();
    }
}
