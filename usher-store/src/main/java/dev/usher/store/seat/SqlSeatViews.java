package dev.usher.store.seat;

import dev.usher.core.lease.LeaseTable;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.seat.SeatLedger;
import dev.usher.core.seat.SeatRecord;
import dev.usher.core.seat.SeatViews;
import dev.usher.core.seat.SessionRecord;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The seat views read from the database: what a node of several sees (no node owns the state), and
 * the history ({@code seat_events}) for every store. The in-memory lease is the newer truth between
 * two lease flushes, so a session's last heartbeat and lease end are the later of the two.
 */
final class SqlSeatViews implements SeatViews {

    private static final String FILTER = """
            (:p IS NULL OR (s.product = :p AND s.feature = :f))
            AND (:q IS NULL OR LOWER(u.name) LIKE :q ESCAPE '!' OR s.id LIKE :q ESCAPE '!' OR EXISTS (
                SELECT 1 FROM checkouts c JOIN sessions x ON x.id = c.session_id WHERE c.seat_id = s.id
                AND (LOWER(x.host) LIKE :q ESCAPE '!' OR LOWER(x.id) LIKE :q ESCAPE '!' OR LOWER(COALESCE(x.client, '')) LIKE :q ESCAPE '!')))""";

    private final Database db;
    private final LeaseTable leases;

    SqlSeatViews(Database db, LeaseTable leases) {
        this.db = db;
        this.leases = leases;
    }

    @Override
    public List<SeatRecord> seats() {
        return db.read(h -> seatsWhere(h, "", Map.of()));
    }

    @Override
    public List<SeatRecord> seatsOnLoan() {
        // Read by the seats page on every view: only the few loans, not every seat of every pool.
        return db.read(h -> seatsWhere(h, "WHERE s.borrowed_until IS NOT NULL", Map.of()));
    }

    /** Seats (with their sessions) matching a condition on the seat row {@code s}. */
    private List<SeatRecord> seatsWhere(Handle h, String where, Map<String, Object> binds) {
        Map<String, List<SessionRecord>> bySeat = new LinkedHashMap<>();
        h.createQuery("""
                        SELECT c.seat_id, x.id, u.name, x.host, x.client, x.created_at, x.last_heartbeat_at, x.lease_expires_at
                        FROM checkouts c JOIN sessions x ON x.id = c.session_id JOIN users u ON u.id = x.user_id
                        """ + (where.isEmpty() ? "" : "WHERE c.seat_id IN (SELECT s.id FROM seats s JOIN users u ON u.id = s.user_id "
                        + where + ")\n") + "ORDER BY x.created_at, x.id")
                .bindMap(binds)
                .map((rs, ctx) -> bySeat.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(session(rs.getString(2),
                        rs.getString(3), rs.getString(4), rs.getString(5), rs.getLong(6), rs.getLong(7), rs.getLong(8))))
                .list();
        return h.createQuery("SELECT s.id, s.product, s.feature, s.seat_key, u.name, s.created_at, s.linger_until, s.borrowed_until"
                        + " FROM seats s JOIN users u ON u.id = s.user_id " + where + " ORDER BY s.product, s.feature, s.created_at, s.id")
                .bindMap(binds)
                .map((rs, ctx) -> new SeatRecord(rs.getString(1), new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4),
                        rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), instant(SeatRows.nullableLong(rs, 7)),
                        List.copyOf(bySeat.getOrDefault(rs.getString(1), List.of())), instant(SeatRows.nullableLong(rs, 8))))
                .list();
    }

    private static Instant instant(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }

    private SessionRecord session(String id, String user, String host, String client, long since, long hb, long exp) {
        Optional<LeaseTable.Lease> live = leases.get(id);
        Instant lastHeartbeat = Instant.ofEpochMilli(Math.max(hb, live.map(l -> l.lastHeartbeat().toEpochMilli()).orElse(0L)));
        Instant expires = Instant.ofEpochMilli(Math.max(exp, live.map(l -> l.expiresAt().toEpochMilli()).orElse(0L)));
        return new SessionRecord(id, user, host, client, Instant.ofEpochMilli(since), lastHeartbeat, expires);
    }

    @Override
    public List<SessionRecord> sessions() {
        return db.read(h -> h.createQuery("""
                        SELECT x.id, u.name, x.host, x.client, x.created_at, x.last_heartbeat_at, x.lease_expires_at
                        FROM sessions x JOIN users u ON u.id = x.user_id ORDER BY x.created_at, x.id""")
                .map((rs, ctx) -> session(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getLong(6), rs.getLong(7)))
                .list());
    }

    @Override
    public int liveSessions() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Integer.class).one());
    }

    @Override
    public Map<PoolKey, Integer> inUse() {
        return db.read(h -> {
            Map<PoolKey, Integer> out = new LinkedHashMap<>();
            h.createQuery("SELECT product, feature, in_use FROM pool_counters ORDER BY product, feature")
                    .map((rs, ctx) -> out.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3)))
                    .list();
            return out;
        });
    }

    @Override
    public Map<PoolKey, Integer> borrowed(Instant at) {
        return db.read(h -> {
            Map<PoolKey, Integer> out = new LinkedHashMap<>();
            h.createQuery("""
                            SELECT product, feature, COUNT(*) FROM seats WHERE borrowed_until > :now
                            GROUP BY product, feature ORDER BY product, feature""")
                    .bind("now", at.toEpochMilli())
                    .map((rs, ctx) -> out.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3)))
                    .list();
            return out;
        });
    }

    @Override
    public Optional<SeatLedger.Loan> loan(String seatId, Instant at) {
        return db.read(h -> h.createQuery("""
                        SELECT s.product, s.feature, s.user_id, u.name, s.borrowed_until FROM seats s JOIN users u ON u.id = s.user_id
                        WHERE s.id = :id AND s.borrowed_until > :now""")
                .bind("id", seatId).bind("now", at.toEpochMilli())
                .map((rs, ctx) -> new SeatLedger.Loan(seatId, new PoolKey(rs.getString(1), rs.getString(2)), rs.getLong(3),
                        rs.getString(4), Instant.ofEpochMilli(rs.getLong(5))))
                .findOne());
    }

    @Override
    public Optional<Long> sessionOwner(String sessionId) {
        return db.read(h -> h.createQuery("SELECT user_id FROM sessions WHERE id = :id").bind("id", sessionId)
                .mapTo(Long.class).findOne());
    }

    /**
     * The page the console shows, filtered and searched in the database: it reads the seats it shows,
     * not all of them. Count and page are read in one snapshot.
     */
    @Override
    public SeatPage page(String search, PoolKey pool, int page, int size) {
        String q = search == null || search.isBlank() ? null
                : "%" + search.strip().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        String product = pool == null ? null : pool.product();
        String feature = pool == null ? null : pool.feature();
        return inOneSnapshot(h -> {
            int held = h.createQuery("SELECT COUNT(*) FROM seats").mapTo(Integer.class).one();
            List<String> pools = h.createQuery("SELECT DISTINCT product, feature FROM seats ORDER BY product, feature")
                    .map((rs, ctx) -> rs.getString(1) + "/" + rs.getString(2)).list();
            // Bound one by one as strings: a null in a map has no type, and PostgreSQL cannot tell what ":p IS NULL" compares.
            int matching = h.createQuery("SELECT COUNT(*) FROM seats s JOIN users u ON u.id = s.user_id WHERE " + FILTER)
                    .bind("q", q).bind("p", product).bind("f", feature).mapTo(Integer.class).one();
            int pages = Math.max(1, (matching + size - 1) / size);
            // The page's seats by id, then with their sessions (the same read as every seat list).
            List<String> ids = h.createQuery("SELECT s.id FROM seats s JOIN users u ON u.id = s.user_id WHERE " + FILTER
                            + " ORDER BY s.product, s.feature, s.created_at, s.id LIMIT :limit OFFSET :offset")
                    .bind("q", q).bind("p", product).bind("f", feature).bind("limit", size)
                    .bind("offset", (Math.min(Math.max(1, page), pages) - 1) * size).mapTo(String.class).list();
            List<SeatRecord> seats = ids.isEmpty() ? List.of() : seatsById(h, ids);
            return new SeatPage(seats, matching, held, pools);
        });
    }

    private List<SeatRecord> seatsById(Handle h, List<String> ids) {
        Map<String, Object> binds = new LinkedHashMap<>();
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < ids.size(); i++) {
            in.append(i == 0 ? "" : ", ").append(":id").append(i);
            binds.put("id" + i, ids.get(i));
        }
        return seatsWhere(h, "WHERE s.id IN (" + in + ")", binds);
    }

    @Override
    public List<SeatEvent> events(int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT at, type, product, feature, user_name, host, session_id, seat_id, reason, detail
                        FROM seat_events ORDER BY id DESC LIMIT :n""")
                .bind("n", limit)
                .map((rs, ctx) -> new SeatEvent(Instant.ofEpochMilli(rs.getLong(1)),
                        SeatEvent.Type.valueOf(rs.getString(2)), new PoolKey(rs.getString(3), rs.getString(4)),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10)))
                .list());
    }

    @Override
    public Activity activity(long afterEventId, Instant since) {
        return inOneSnapshot(h -> {
            Map<PoolKey, Set<String>> seats = new HashMap<>();
            h.createQuery("SELECT id, product, feature FROM seats").map((rs, ctx) ->
                    seats.computeIfAbsent(new PoolKey(rs.getString(2), rs.getString(3)), k -> new HashSet<>()).add(rs.getString(1))).list();
            return new Activity(seats, events(h, afterEventId, since));
        });
    }

    /** Seat events after {@code afterEventId} since {@code since}, newest first. */
    static List<EventAt> events(Handle h, long afterEventId, Instant since) {
        return h.createQuery("""
                        SELECT id, type, product, feature, seat_id FROM seat_events
                        WHERE id > :after AND at >= :since ORDER BY id DESC""")
                .bind("after", afterEventId).bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new EventAt(rs.getLong(1), SeatEvent.Type.valueOf(rs.getString(2)),
                        new PoolKey(rs.getString(3), rs.getString(4)), rs.getString(5)))
                .list();
    }

    /**
     * A read in one snapshot, so that counts and rows are the same moment (a plain BEGIN: SQLite's read
     * connections are query-only, and JDBI's transactions begin with a write lock).
     */
    <T> T inOneSnapshot(java.util.function.Function<Handle, T> query) {
        return db.read(h -> {
            h.execute("BEGIN");
            try {
                return query.apply(h);
            } finally {
                h.execute("COMMIT");
            }
        });
    }
}
