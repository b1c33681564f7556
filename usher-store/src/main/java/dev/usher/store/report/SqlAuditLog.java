package dev.usher.store.report;

import dev.usher.core.audit.AuditEntry;
import dev.usher.core.audit.AuditLog;
import dev.usher.core.audit.ChainCheck;
import dev.usher.core.seat.SeatEvent;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The audit trail: appends admin actions ({@code admin_events}) and seat events ({@code seat_events})
 * to {@code audit_log} as one hash chain, in batches, after they committed. Both sources are written
 * in the transaction of the change they record, so nothing is missed; chaining them later keeps
 * SHA-256 and the chain's serial order off the checkout path.
 */
public final class SqlAuditLog implements AuditLog {

    static final String SEAT_CURSOR = "audit.seat";
    static final String ADMIN_CURSOR = "audit.admin";
    /** The last record written, as "seq:hash", kept apart from the records (in settings). */
    static final String HEAD_KEY = "audit.head";

    private final Database db;
    private final SettledIds seatIds;
    private final SettledIds adminIds;

    public SqlAuditLog(Database db) {
        this.db = db;
        this.seatIds = new SettledIds(db, "seat_events");
        this.adminIds = new SettledIds(db, "admin_events");
    }

    /**
     * Chains up to {@code limit} records that are not in the trail yet; returns how many.
     *
     * <p>Reading the new events and hashing them happen outside the write transaction, on a read
     * connection, so the single writer (which checkouts wait for) only inserts the finished rows. The
     * write checks that the head is still the one the records were chained to, so a second appender
     * (another node sharing the database) can never fork the chain; it simply finds nothing changed
     * for it and tries again later.
     *
     * <p>On PostgreSQL the events are read only as far as their ids are settled ({@link SettledIds}):
     * an event whose transaction commits after a higher id was chained is not passed over. Appends of
     * all nodes take one advisory lock, and each checks that the head and both cursors are still the
     * ones it read, so two nodes never chain the same events.
     */
    @Override
    public synchronized int append(int limit) {
        record Pending(List<AuditEntry> entries, long seatCursor, long adminCursor, Head head, long seatFrom, long adminFrom) {}
        Pending p = db.read(h -> {
            Head head = head(h);
            long seatCursor = cursor(h, SEAT_CURSOR);
            long adminCursor = cursor(h, ADMIN_CURSOR);
            long seatFrom = seatCursor;
            long adminFrom = adminCursor;
            seatIds.beforeRead(h);
            adminIds.beforeRead(h);
            List<Source> seats = h.createQuery("""
                            SELECT id, at, type, product, feature, user_name, host, session_id, seat_id, reason, detail
                            FROM seat_events WHERE id > :c ORDER BY id LIMIT :n""")
                    .bind("c", seatCursor).bind("n", limit)
                    .map((rs, ctx) -> {
                        SeatEvent.Type type = SeatEvent.Type.valueOf(rs.getString(3));
                        String user = rs.getString(6);
                        String actor = switch (type) {
                            case GRANT, JOIN, DENY, RELEASE, BORROW, RETURN -> user;
                            case EXPIRY, LINGER_END, BORROW_END -> "usher";
                            case FORCE_RELEASE, FORCE_RETURN -> null; // the administrator's own record names them
                        };
                        String reason = rs.getString(10);
                        String detail = rs.getString(11);
                        String text = reason == null ? detail : detail == null ? reason : reason + ": " + detail;
                        return new Source(rs.getLong(1), new AuditEntry(0, Instant.ofEpochMilli(rs.getLong(2)), "seat", type.code(),
                                actor, rs.getString(7), rs.getString(9), rs.getString(4), rs.getString(5), user, rs.getString(7),
                                rs.getString(8), rs.getString(9), text, null, null));
                    }).list();
            List<Source> admins = h.createQuery("""
                            SELECT id, at, type, actor, source, target, detail FROM admin_events WHERE id > :c ORDER BY id LIMIT :n""")
                    .bind("c", adminCursor).bind("n", limit)
                    .map((rs, ctx) -> new Source(rs.getLong(1), new AuditEntry(0, Instant.ofEpochMilli(rs.getLong(2)), "admin",
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), null, null, null, null, null, null,
                            rs.getString(7), null, null))).list();
            seats = seats.subList(0, seatIds.settled(h, seatCursor, seats.stream().map(Source::id).toList()));
            admins = admins.subList(0, adminIds.settled(h, adminCursor, admins.stream().map(Source::id).toList()));
            long seq = head.seq();
            String prev = head.hash();
            List<AuditEntry> out = new ArrayList<>();
            // A merge by time of the two sources, each consumed in id order, so each cursor is a prefix.
            int i = 0;
            int j = 0;
            while (out.size() < limit && (i < seats.size() || j < admins.size())) {
                boolean takeAdmin = i >= seats.size()
                        || (j < admins.size() && !admins.get(j).entry().at().isAfter(seats.get(i).entry().at()));
                Source s = takeAdmin ? admins.get(j++) : seats.get(i++);
                AuditEntry e = s.entry().chained(++seq, prev);
                prev = e.hash();
                out.add(e);
                if (takeAdmin) {
                    adminCursor = s.id();
                } else {
                    seatCursor = s.id();
                }
            }
            return new Pending(out, seatCursor, adminCursor, head, seatFrom, adminFrom);
        });
        if (p.entries().isEmpty()) {
            return 0;
        }
        return db.write((h, after) -> {
            db.dialect().lockRecorder(h, "audit");
            if (!head(h).equals(p.head()) || cursor(h, SEAT_CURSOR) != p.seatFrom() || cursor(h, ADMIN_CURSOR) != p.adminFrom()) {
                return 0; // someone else appended meanwhile: chain again from the new head
            }
            PreparedBatch batch = h.prepareBatch("""
                    INSERT INTO audit_log (seq, at, kind, type, actor, source, target, product, feature, user_name, host,
                      session_id, seat_id, detail, prev_hash, hash)
                    VALUES (:seq, :at, :kind, :type, :actor, :source, :target, :product, :feature, :user, :host,
                      :session, :seat, :detail, :prev, :hash)""");
            p.entries().forEach(e -> bind(batch, e).add());
            batch.execute();
            AuditEntry last = p.entries().getLast();
            setCursor(h, SEAT_CURSOR, p.seatCursor());
            setCursor(h, ADMIN_CURSOR, p.adminCursor());
            h.createUpdate("""
                            INSERT INTO settings (key, value) VALUES (:k, :v)
                            ON CONFLICT (key) DO UPDATE SET value = excluded.value""")
                    .bind("k", HEAD_KEY).bind("v", last.seq() + ":" + last.hash()).execute();
            return p.entries().size();
        });
    }

    private record Source(long id, AuditEntry entry) {}

    private static PreparedBatch bind(PreparedBatch b, AuditEntry e) {
        return b.bind("seq", e.seq()).bind("at", e.at().toEpochMilli()).bind("kind", e.kind()).bind("type", e.type())
                .bind("actor", e.actor()).bind("source", e.source()).bind("target", e.target()).bind("product", e.product())
                .bind("feature", e.feature()).bind("user", e.user()).bind("host", e.host()).bind("session", e.sessionId())
                .bind("seat", e.seatId()).bind("detail", e.detail()).bind("prev", e.prevHash()).bind("hash", e.hash());
    }

    private static long cursor(Handle h, String name) {
        Long c = SqlUsageStore.cursor(h, name);
        return c == null ? 0 : c;
    }

    private static void setCursor(Handle h, String name, long position) {
        SqlUsageStore.setCursor(h, name, position);
    }

    private static Head head(Handle h) {
        return h.createQuery("SELECT value FROM settings WHERE key = :k").bind("k", HEAD_KEY).mapTo(String.class).findOne()
                .map(v -> new Head(Long.parseLong(v.substring(0, v.indexOf(':'))), v.substring(v.indexOf(':') + 1)))
                .orElse(new Head(0, AuditEntry.GENESIS));
    }

    @Override
    public Head head() {
        return db.read(SqlAuditLog::head);
    }

    /** Events not yet chained (what the recorder still has to do). */
    @Override
    public long backlog() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM seat_events WHERE id > :c").bind("c", cursor(h, SEAT_CURSOR))
                .mapTo(Long.class).one()
                + h.createQuery("SELECT COUNT(*) FROM admin_events WHERE id > :c").bind("c", cursor(h, ADMIN_CURSOR))
                .mapTo(Long.class).one());
    }

    /** Records matching {@code f}, in sequence order, handed to {@code sink} page by page (exports of any size). */
    @Override
    public void forEach(Filter f, long limit, Consumer<AuditEntry> sink) {
        long after = 0;
        long left = limit;
        while (left > 0) {
            int page = (int) Math.min(left, 5_000);
            List<AuditEntry> rows = page(f, after, page);
            rows.forEach(sink);
            left -= rows.size();
            if (rows.size() < page) {
                return;
            }
            after = rows.getLast().seq();
        }
    }

    /**
     * One page of records matching {@code f}, newest first, older than {@code beforeSeq} (the
     * console's audit page: what happened last comes first).
     */
    @Override
    public List<AuditEntry> newestFirst(Filter f, long beforeSeq, int n) {
        return page(f, beforeSeq, n, true);
    }

    private List<AuditEntry> page(Filter f, long afterSeq, int n) {
        return page(f, afterSeq, n, false);
    }

    private List<AuditEntry> page(Filter f, long bound, int n, boolean newest) {
        StringBuilder sql = new StringBuilder("""
                SELECT seq, at, kind, type, actor, source, target, product, feature, user_name, host, session_id, seat_id,
                  detail, prev_hash, hash FROM audit_log WHERE""").append(newest ? " seq < :after" : " seq > :after");
        Map<String, String> binds = new LinkedHashMap<>(); // parameter name to value
        if (f.from() != null) {
            sql.append(" AND at >= :from");
        }
        if (f.to() != null) {
            sql.append(" AND at < :to");
        }
        condition(sql, binds, "LOWER(actor) = LOWER(:actor)", "actor", f.actor());
        condition(sql, binds, "LOWER(user_name) = LOWER(:user)", "user", f.user());
        condition(sql, binds, "product = :product", "product", f.product());
        condition(sql, binds, "feature = :feature", "feature", f.feature());
        condition(sql, binds, "type = :type", "type", f.type());
        condition(sql, binds, "kind = :kind", "kind", f.kind());
        sql.append(newest ? " ORDER BY seq DESC LIMIT :n" : " ORDER BY seq LIMIT :n");
        return db.read(h -> {
            Query q = h.createQuery(sql.toString()).bind("after", bound).bind("n", n);
            if (f.from() != null) {
                q.bind("from", f.from().toEpochMilli());
            }
            if (f.to() != null) {
                q.bind("to", f.to().toEpochMilli());
            }
            binds.forEach(q::bind);
            return q.map((rs, ctx) -> new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                    rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                    rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14), rs.getString(15),
                    rs.getString(16))).list();
        });
    }

    private static void condition(StringBuilder sql, Map<String, String> binds, String clause, String name, String value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            binds.put(name, value);
        }
    }

    /**
     * Walks the whole trail and reports the first broken link, if any. The head is read first and the walk
     * stops at it: records appended meanwhile (by this node or another, each with its head in one
     * transaction) are newer than this check, not a trail that ends early.
     */
    @Override
    public ChainCheck.Result verify() {
        ChainCheck check = new ChainCheck();
        Head head = head();
        long after = Long.MIN_VALUE;
        while (true) {
            long from = after;
            List<AuditEntry> rows = db.read(h -> h.createQuery("""
                            SELECT seq, at, kind, type, actor, source, target, product, feature, user_name, host, session_id,
                              seat_id, detail, prev_hash, hash FROM audit_log WHERE seq > :after AND seq <= :head ORDER BY seq LIMIT 10000""")
                    .bind("after", from).bind("head", head.seq())
                    .map((rs, ctx) -> new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getString(11), rs.getString(12), rs.getString(13), rs.getString(14),
                            rs.getString(15), rs.getString(16))).list());
            for (AuditEntry e : rows) {
                if (!check.accept(e)) {
                    return check.result(head.seq(), head.hash());
                }
            }
            if (rows.size() < 10000) {
                break;
            }
            after = rows.getLast().seq();
        }
        ChainCheck.Result r = check.result(head.seq(), head.hash());
        long last = db.read(h -> h.createQuery("SELECT COALESCE(MAX(seq), 0) FROM audit_log").mapTo(Long.class).one());
        if (r.ok() && last > head.seq() && last > head().seq()) {
            // Past the head as it is now too: not an append that committed during the walk, but rows put there by hand.
            return new ChainCheck.Result(false, r.checked(), head().seq() + 1, "record " + (head().seq() + 1)
                    + " is past the last record the recorder wrote (" + head().seq() + "): added behind its back");
        }
        return r;
    }
}
