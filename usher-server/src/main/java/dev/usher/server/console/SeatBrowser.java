package dev.usher.server.console;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SessionRecord;
import dev.usher.store.Database;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One page of the seats held, filtered and searched in the database: the seats page reads the 50
 * seats it shows, not all of them ({@code SeatLedger.seats()} reads every seat and session, 5,000
 * of them cost more than the page's whole time budget). Last heartbeats are as last written, at
 * most one lease flush (a second by default) behind the server's memory.
 */
final class SeatBrowser {

    /** A page of seats, how many match, how many are held in all, and the pools that have seats. */
    record Result(List<SeatRecord> seats, int matching, int held, List<String> pools) {}

    private static final String FILTER = """
            (:p IS NULL OR (s.product = :p AND s.feature = :f))
            AND (:q IS NULL OR LOWER(u.name) LIKE :q ESCAPE '!' OR s.id LIKE :q ESCAPE '!' OR EXISTS (
                SELECT 1 FROM checkouts c JOIN sessions x ON x.id = c.session_id WHERE c.seat_id = s.id
                AND (LOWER(x.host) LIKE :q ESCAPE '!' OR LOWER(x.id) LIKE :q ESCAPE '!' OR LOWER(COALESCE(x.client, '')) LIKE :q ESCAPE '!')))""";

    private final Database db;

    SeatBrowser(Database db) {
        this.db = db;
    }

    Result page(String search, PoolKey pool, int page, int size) {
        String q = search == null || search.isBlank() ? null
                : "%" + search.strip().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        return db.read(h -> {
            h.execute("BEGIN"); // one snapshot for the count and the page (query-only connections: a plain BEGIN)
            try {
                int held = h.createQuery("SELECT COUNT(*) FROM seats").mapTo(Integer.class).one();
                List<String> pools = h.createQuery("SELECT DISTINCT product, feature FROM seats ORDER BY product, feature")
                        .map((rs, ctx) -> rs.getString(1) + "/" + rs.getString(2)).list();
                var count = h.createQuery("SELECT COUNT(*) FROM seats s JOIN users u ON u.id = s.user_id WHERE " + FILTER);
                bind(count, q, pool);
                int matching = count.mapTo(Integer.class).one();
                int pages = Math.max(1, (matching + size - 1) / size);
                int offset = (Math.min(Math.max(1, page), pages) - 1) * size;
                var select = h.createQuery("SELECT s.id, s.product, s.feature, s.seat_key, u.name, s.created_at, s.linger_until"
                        + " FROM seats s JOIN users u ON u.id = s.user_id WHERE " + FILTER
                        + " ORDER BY s.product, s.feature, s.created_at, s.id LIMIT :limit OFFSET :offset");
                bind(select, q, pool);
                Map<String, Object[]> rows = new LinkedHashMap<>();
                select.bind("limit", size).bind("offset", offset).map((rs, ctx) -> {
                    long linger = rs.getLong(7);
                    Instant lingerUntil = rs.wasNull() ? null : Instant.ofEpochMilli(linger);
                    return rows.put(rs.getString(1), new Object[] {new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4),
                            rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), lingerUntil});
                }).list();
                Map<String, List<SessionRecord>> sessions = new HashMap<>();
                if (!rows.isEmpty()) {
                    h.createQuery("""
                                    SELECT c.seat_id, x.id, u.name, x.host, x.client, x.created_at, x.last_heartbeat_at, x.lease_expires_at
                                    FROM checkouts c JOIN sessions x ON x.id = c.session_id JOIN users u ON u.id = x.user_id
                                    WHERE c.seat_id IN (<ids>) ORDER BY x.created_at, x.id""")
                            .bindList("ids", new ArrayList<>(rows.keySet()))
                            .map((rs, ctx) -> sessions.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new SessionRecord(
                                    rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)),
                                    Instant.ofEpochMilli(rs.getLong(7)), Instant.ofEpochMilli(rs.getLong(8)))))
                            .list();
                }
                List<SeatRecord> seats = new ArrayList<>();
                rows.forEach((id, r) -> seats.add(new SeatRecord(id, (PoolKey) r[0], (String) r[1], (String) r[2], (Instant) r[3],
                        (Instant) r[4], List.copyOf(sessions.getOrDefault(id, List.of())))));
                return new Result(seats, matching, held, pools);
            } finally {
                h.execute("COMMIT");
            }
        });
    }

    private static void bind(org.jdbi.v3.core.statement.Query query, String q, PoolKey pool) {
        query.bind("q", q).bind("p", pool == null ? null : pool.product()).bind("f", pool == null ? null : pool.feature());
    }
}
