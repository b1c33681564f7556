package dev.usher.store.seat;

import dev.usher.core.seat.state.Effect;
import dev.usher.core.seat.state.HeldSeat;
import dev.usher.core.seat.state.LiveSession;
import dev.usher.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a group's {@link RowChanges} to PostgreSQL as a few set-based statements (each row kind's
 * values bound as arrays and unnested), all sent as one text: one round trip for any number of
 * decisions. A group holds its pools' locks while it talks to the database, so every round trip
 * saved is time the other nodes' decisions about those pools do not wait; for the same reason a
 * group commit's write ends with the COMMIT itself when it may. Each statement must change exactly
 * the rows it names; anything else means rows changed under the group's locks, and the whole group
 * is undone. The database checks that count itself (the statement fails), because with the COMMIT
 * in the same round trip a check made after the answer would come too late.
 */
final class SetWriter {

    /** A statement, how many rows it must change (-1: any), and its parameters: one array each. */
    record Part(String sql, int expected, List<Param> params) {}

    /** An array parameter's elements (its SQL type is the statement's {@code CAST}: see {@link ArrayLiteral}). */
    record Param(Object[] values) {}

    private static <T> Param column(List<T> rows, Function<T, Object> value) {
        Object[] values = new Object[rows.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = value.apply(rows.get(i));
        }
        return new Param(values);
    }

    /**
     * The statements that find rows of the tables whose rows come and go with every checkout (checkouts, sessions,
     * seats) by joining the group's values. Each also names those rows by key, as its last parameter (the same keys
     * again): joined alone, a plan made on statistics that call the table empty reads it whole through an index, the
     * join a filter, under the pools' locks (see {@link SharedReads}; {@code SharedReadsPlanTest} plans these too).
     */
    static final String GONE_CHECKOUTS = """
            DELETE FROM checkouts c USING unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS x(s, p, f)
            WHERE c.session_id = x.s AND c.product = x.p AND c.feature = x.f AND c.session_id = ANY(CAST(? AS text[]))""";

    static final String MOVED_CHECKOUTS = """
            UPDATE checkouts SET seat_id = x.seat
            FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[])) AS x(s, p, f, seat)
            WHERE checkouts.session_id = x.s AND checkouts.product = x.p AND checkouts.feature = x.f
              AND checkouts.session_id = ANY(CAST(? AS text[]))""";

    /** Leases only grow here: a heartbeat another node stored meanwhile may be later. */
    static final String CHANGED_SESSIONS = """
            UPDATE sessions SET user_id = x.u, host = x.host, host_key = x.hk, client = x.client, created_at = x.created,
              last_heartbeat_at = GREATEST(sessions.last_heartbeat_at, x.hb), lease_expires_at = GREATEST(sessions.lease_expires_at, x.exp)
            FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                        CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[])) AS x(id, u, host, hk, client, created, hb, exp)
            WHERE sessions.id = x.id AND sessions.id = ANY(CAST(? AS text[]))""";

    static final String CHANGED_SEATS = """
            UPDATE seats SET user_id = x.u, seat_key = x.k, linger_until = x.linger, borrowed_until = x.loan, sessions = x.n
            FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]),
                        CAST(? AS integer[])) AS x(id, u, k, linger, loan, n)
            WHERE seats.id = x.id AND seats.id = ANY(CAST(? AS text[]))""";

    private static Object millis(java.time.Instant t) {
        return t == null ? null : t.toEpochMilli();
    }

    /** Writes {@code rows}; if {@code commit} says so (asked only when there is something to write), COMMIT goes with them. */
    void write(Connection c, RowChanges rows, java.util.function.BooleanSupplier commit) {
        List<Part> parts = new ArrayList<>();
        var goneCheckouts = rows.goneCheckouts();
        if (!goneCheckouts.isEmpty()) {
            Param sessionIds = column(goneCheckouts, RowChanges.Checkout::sessionId);
            parts.add(new Part(GONE_CHECKOUTS, goneCheckouts.size(), List.of(sessionIds,
                    column(goneCheckouts, k -> k.pool().product()),
                    column(goneCheckouts, k -> k.pool().feature()), sessionIds)));
        }
        // Checkouts that move to another (existing) seat leave theirs before it may go.
        var moved = rows.movedCheckouts();
        if (!moved.isEmpty()) {
            Param sessionIds = column(moved, RowChanges.Checkout::sessionId);
            parts.add(new Part(MOVED_CHECKOUTS, moved.size(), List.of(sessionIds, column(moved, k -> k.pool().product()),
                    column(moved, k -> k.pool().feature()), column(moved, RowChanges.Checkout::seatId), sessionIds)));
        }
        if (!rows.goneSessions().isEmpty()) {
            parts.add(new Part("DELETE FROM sessions WHERE id = ANY(CAST(? AS text[]))", rows.goneSessions().size(),
                    List.of(column(rows.goneSessions(), id -> id))));
        }
        if (!rows.goneSeats().isEmpty()) {
            parts.add(new Part("DELETE FROM seats WHERE id = ANY(CAST(? AS text[]))", rows.goneSeats().size(),
                    List.of(column(rows.goneSeats(), id -> id))));
        }
        List<Effect.CreatePerson> people = rows.newPeople();
        if (!people.isEmpty()) {
            parts.add(new Part("""
                    INSERT INTO users (id, name, name_key, created_at, last_seen_at, source, enabled)
                    SELECT id, name, k, at, at, 'auto', 1
                    FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS x(id, name, k, at)""",
                    people.size(), List.of(column(people, Effect.CreatePerson::id), column(people, Effect.CreatePerson::name),
                    column(people, Effect.CreatePerson::key), column(people, p -> millis(p.at())))));
            parts.add(new Part("""
                    INSERT INTO user_aliases (alias_key, user_id, alias, created_at)
                    SELECT k, id, name, at
                    FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[])) AS x(id, name, k, at)""",
                    people.size(), List.of(column(people, Effect.CreatePerson::id), column(people, Effect.CreatePerson::name),
                    column(people, Effect.CreatePerson::key), column(people, p -> millis(p.at())))));
        }
        var seen = new ArrayList<>(rows.seenPeople().entrySet());
        if (!seen.isEmpty()) {
            // A person's row that another transaction holds is skipped, never waited for: that one sets about the same
            // time (or an administrator edits the person), and waiting would let two nodes' groups, deciding for the same
            // people in other pools, lock those rows in opposite orders. People are the only rows two pools' decisions share.
            parts.add(new Part("""
                    UPDATE users SET last_seen_at = x.at FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])) AS x(id, at)
                    WHERE users.id = x.id AND users.last_seen_at < x.at AND users.id IN (
                      SELECT id FROM users WHERE id = ANY(CAST(? AS bigint[])) FOR NO KEY UPDATE SKIP LOCKED)""", -1, List.of(
                    column(seen, e -> e.getKey()), column(seen, e -> millis(e.getValue())),
                    column(seen, e -> e.getKey()))));
        }
        List<LiveSession> newSessions = rows.newSessions();
        if (!newSessions.isEmpty()) {
            parts.add(new Part("""
                    INSERT INTO sessions (id, user_id, host, host_key, client, created_at, last_heartbeat_at, lease_expires_at)
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                         CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]))""",
                    newSessions.size(), sessionColumns(newSessions)));
        }
        List<LiveSession> changedSessions = rows.changedSessions();
        if (!changedSessions.isEmpty()) {
            List<Param> params = new ArrayList<>(sessionColumns(changedSessions));
            params.add(params.getFirst()); // the ids again, as the rows' keys
            parts.add(new Part(CHANGED_SESSIONS, changedSessions.size(), params));
        }
        List<HeldSeat> newSeats = rows.newSeats();
        if (!newSeats.isEmpty()) {
            parts.add(new Part("""
                    INSERT INTO seats (id, product, feature, seat_key, user_id, host_key, created_at, linger_until, borrowed_until, charge, sessions,
                                       grant_session)
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]),
                                         CAST(? AS text[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS text[]),
                                         CAST(? AS integer[]), CAST(? AS text[]))""", newSeats.size(), List.of(
                    column(newSeats, HeldSeat::id), column(newSeats, s -> s.pool().product()),
                    column(newSeats, s -> s.pool().feature()), column(newSeats, HeldSeat::seatKey),
                    column(newSeats, HeldSeat::userId), column(newSeats, HeldSeat::hostKey),
                    column(newSeats, HeldSeat::createdAt), column(newSeats, HeldSeat::lingerUntil),
                    column(newSeats, HeldSeat::borrowedUntil), column(newSeats, s -> s.charge().code()),
                    column(newSeats, HeldSeat::attached), column(newSeats, HeldSeat::grantSession))));
        }
        List<HeldSeat> changedSeats = rows.changedSeats();
        if (!changedSeats.isEmpty()) {
            Param seatIds = column(changedSeats, HeldSeat::id);
            parts.add(new Part(CHANGED_SEATS, changedSeats.size(), List.of(
                    seatIds, column(changedSeats, HeldSeat::userId),
                    column(changedSeats, HeldSeat::seatKey), column(changedSeats, HeldSeat::lingerUntil),
                    column(changedSeats, HeldSeat::borrowedUntil), column(changedSeats, HeldSeat::attached), seatIds)));
        }
        var newCheckouts = rows.newCheckouts();
        if (!newCheckouts.isEmpty()) {
            parts.add(new Part("""
                    INSERT INTO checkouts (session_id, product, feature, seat_id, created_at)
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS bigint[]))""",
                    newCheckouts.size(), List.of(column(newCheckouts, RowChanges.Checkout::sessionId),
                    column(newCheckouts, k -> k.pool().product()), column(newCheckouts, k -> k.pool().feature()),
                    column(newCheckouts, RowChanges.Checkout::seatId), column(newCheckouts, k -> millis(k.at())))));
        }
        var more = rows.inUseDeltas().entrySet().stream().filter(e -> e.getValue() > 0).toList();
        if (!more.isEmpty()) {
            parts.add(new Part("""
                    INSERT INTO pool_counters (product, feature, in_use)
                    SELECT * FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS integer[]))
                    ON CONFLICT (product, feature) DO UPDATE SET in_use = pool_counters.in_use + EXCLUDED.in_use""", more.size(), List.of(
                    column(more, e -> e.getKey().product()), column(more, e -> e.getKey().feature()),
                    column(more, e -> e.getValue()))));
        }
        var fewer = rows.inUseDeltas().entrySet().stream().filter(e -> e.getValue() < 0).toList();
        if (!fewer.isEmpty()) {
            // A plain update: the seats being given back were counted in the row.
            parts.add(new Part("""
                    UPDATE pool_counters SET in_use = in_use + x.d
                    FROM unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS integer[])) AS x(p, f, d)
                    WHERE pool_counters.product = x.p AND pool_counters.feature = x.f""", fewer.size(), List.of(
                    column(fewer, e -> e.getKey().product()), column(fewer, e -> e.getKey().feature()),
                    column(fewer, e -> e.getValue()))));
        }
        var events = rows.events();
        if (!events.isEmpty()) {
            // In decision order (the events' ids are the timeline), each with the pool's count after it.
            parts.add(new Part("""
                    INSERT INTO seat_events (at, type, product, feature, user_name, host, session_id, seat_id, reason, detail, in_use)
                    SELECT at, type, p, f, u, host, s, seat, reason, detail, n
                    FROM unnest(CAST(? AS bigint[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
                                CAST(? AS integer[]))
                      WITH ORDINALITY AS x(at, type, p, f, u, host, s, seat, reason, detail, n, ord)
                    ORDER BY ord""", events.size(), List.of(
                    column(events, r -> millis(r.event().at())), column(events, r -> r.event().type().name()),
                    column(events, r -> r.event().pool().product()), column(events, r -> r.event().pool().feature()),
                    column(events, r -> r.event().user()), column(events, r -> r.event().host()),
                    column(events, r -> r.event().sessionId()), column(events, r -> r.event().seatId()),
                    column(events, r -> r.event().reason()), column(events, r -> r.event().detail()),
                    column(events, Effect.RecordEvent::inUseAfter))));
        }
        run(c, parts, commit);
    }

    private static List<Param> sessionColumns(List<LiveSession> s) {
        return List.of(column(s, LiveSession::id), column(s, LiveSession::userId), column(s, LiveSession::host),
                column(s, LiveSession::hostKey), column(s, LiveSession::client), column(s, LiveSession::createdAt),
                column(s, LiveSession::lastHeartbeat), column(s, LiveSession::leaseEnd));
    }

    static void run(Connection c, List<Part> parts, java.util.function.BooleanSupplier commit) {
        if (parts.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder();
        for (Part part : parts) {
            sql.append(guarded(part)).append(";\n");
        }
        if (commit.getAsBoolean()) {
            sql.append("COMMIT");
        }
        try (PreparedStatement st = c.prepareStatement(sql.toString())) {
            int n = 1;
            for (Part part : parts) {
                for (Param p : part.params()) {
                    ArrayLiteral.bind(st, n++, p.values());
                }
                if (part.expected() >= 0) {
                    st.setInt(n++, part.expected());
                }
            }
            st.execute(); // the driver reads every answer and throws the first error
        } catch (SQLException e) {
            throw new StoreException("the seat changes could not be written: " + e.getMessage(), e);
        }
    }

    /**
     * The statement, failing unless it changed exactly the rows expected: a statement that changes other rows
     * than it names ends the transaction with an error that says so (the text cast to an integer is the
     * error; it is evaluated only when the count is wrong). The count expected is a parameter, after the
     * statement's own: with it in the text, every group size was a text of its own, which the driver never
     * prepares on the server and PostgreSQL parses and plans anew, with the group's pools locked.
     */
    static String guarded(Part part) {
        if (part.expected() < 0) {
            return part.sql();
        }
        String first = part.sql().lines().findFirst().orElse("").strip().replace("'", "''");
        return "WITH changed AS (" + part.sql() + "\nRETURNING 1), expected AS (SELECT CAST(? AS integer) AS n)\n"
                + "SELECT CASE WHEN c.n = e.n THEN 0 ELSE CAST('the seat changes wrote ' || c.n || ' rows instead of ' || e.n || ' in: "
                + first + "' AS integer) END FROM (SELECT count(*) AS n FROM changed) c, expected e";
    }
}
