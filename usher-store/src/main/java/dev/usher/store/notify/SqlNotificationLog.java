package dev.usher.store.notify;

import dev.usher.core.notify.Alert;
import dev.usher.core.notify.NotificationLog;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.UsageEvent;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Notifications in portable SQL: which events were announced (so that of several nodes noticing one
 * event exactly one sends it), the outbox of messages per channel with their retries, and the
 * delivery log the API and the console show.
 */
public final class SqlNotificationLog implements NotificationLog {

    private static final String COLUMNS = """
            id, event_key, kind, channel, target, subject, payload, created_at, status, attempts, next_attempt_at,
            last_attempt_at, last_error, sent_at""";

    private final Database db;

    public SqlNotificationLog(Database db) {
        this.db = db;
    }

    /**
     * Claims the alert's event and queues one delivery per target, in one transaction. Answers false,
     * writing nothing, when the event was announced already and is still quiet (by this node or another).
     */
    @Override
    public boolean claim(Alert alert, String payload, List<Target> targets, String node) {
        long now = alert.at().toEpochMilli();
        return db.write((h, after) -> {
            // The row lock an upsert takes makes this the one place two nodes meet: only one sees its key back.
            boolean claimed = h.createQuery("""
                            INSERT INTO notification_events (event_key, kind, subject, first_at, last_at, quiet_until, node)
                            VALUES (:k, :kind, :subject, :now, :now, :until, :node)
                            ON CONFLICT (event_key) DO UPDATE SET last_at = excluded.last_at, quiet_until = excluded.quiet_until,
                              subject = excluded.subject, node = excluded.node
                            WHERE notification_events.quiet_until <= excluded.last_at
                            RETURNING event_key""")
                    .bind("k", alert.key()).bind("kind", alert.kind().code()).bind("subject", cut(alert.subject(), 500))
                    .bind("now", now).bind("until", alert.quietUntil().toEpochMilli()).bind("node", node)
                    .mapTo(String.class).findOne().isPresent();
            if (claimed) {
                for (Target t : targets) {
                    insert(h, alert, payload, t, now, "pending", 0, null, null);
                }
            }
            return claimed;
        });
    }

    /** Logs a message sent at once with its outcome (a test message: not queued, not retried). */
    @Override
    public Delivery logSent(Alert alert, String payload, Target target, String error) {
        long now = alert.at().toEpochMilli();
        return db.write((h, after) -> {
            long id = insert(h, alert, payload, target, now, error == null ? "sent" : "failed", 1, error, error == null ? now : null);
            return find(h, id);
        });
    }

    private static long insert(Handle h, Alert alert, String payload, Target t, long now, String status, int attempts,
                               String error, Long sentAt) {
        return h.createQuery("""
                        INSERT INTO notification_deliveries (event_key, kind, channel, target, subject, payload, created_at, status,
                          attempts, next_attempt_at, last_attempt_at, last_error, sent_at)
                        VALUES (:k, :kind, :channel, :target, :subject, :payload, :now, :status, :attempts, :now, :last, :error, :sent)
                        RETURNING id""")
                .bind("k", alert.key()).bind("kind", alert.kind().code()).bind("channel", t.channel())
                .bind("target", cut(t.target(), 2000)).bind("subject", cut(alert.subject(), 500)).bind("payload", payload)
                .bind("now", now).bind("status", status).bind("attempts", attempts).bind("last", attempts > 0 ? now : null)
                .bind("error", error == null ? null : cut(error, 1000)).bind("sent", sentAt)
                .mapTo(Long.class).one();
    }

    /** Deliveries due at {@code now}: pending ones whose time has come, and ones a node took but never finished. */
    @Override
    public List<Delivery> due(Instant now, int limit) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + """
                         FROM notification_deliveries
                        WHERE (status = 'pending' AND next_attempt_at <= :now) OR (status = 'sending' AND claimed_until <= :now)
                        ORDER BY next_attempt_at, id LIMIT :n""")
                .bind("now", now.toEpochMilli()).bind("n", limit).map(SqlNotificationLog::delivery).list());
    }

    /**
     * Takes a due delivery for one attempt, for at most {@code lease} (a node that dies sending leaves it to
     * be taken again after that). False when another node took it first.
     */
    @Override
    public boolean take(long id, Instant now, Duration lease) {
        long t = now.toEpochMilli();
        return db.write((h, after) -> h.createUpdate("""
                        UPDATE notification_deliveries SET status = 'sending', claimed_until = :until, attempts = attempts + 1,
                          last_attempt_at = :now
                        WHERE id = :id AND ((status = 'pending' AND next_attempt_at <= :now) OR (status = 'sending' AND claimed_until <= :now))""")
                .bind("id", id).bind("now", t).bind("until", t + lease.toMillis()).execute() == 1);
    }

    @Override
    public void sent(long id, Instant at) {
        db.write((h, after) -> h.createUpdate("""
                        UPDATE notification_deliveries SET status = 'sent', sent_at = :at, claimed_until = NULL, last_error = NULL
                        WHERE id = :id""")
                .bind("id", id).bind("at", at.toEpochMilli()).execute());
    }

    /** A failed attempt: tried again at {@code retryAt}, or given up for good when that is null. */
    @Override
    public void failed(long id, String error, Instant retryAt) {
        db.write((h, after) -> h.createUpdate("""
                        UPDATE notification_deliveries SET status = :status, next_attempt_at = COALESCE(:next, next_attempt_at),
                          claimed_until = NULL, last_error = :error
                        WHERE id = :id""")
                .bind("id", id).bind("status", retryAt == null ? "failed" : "pending")
                .bind("next", retryAt == null ? null : retryAt.toEpochMilli()).bind("error", cut(error, 1000)).execute());
    }

    /** The newest deliveries first; {@code channel} null for both. */
    @Override
    public List<Delivery> recent(String channel, int limit) {
        return db.read(h -> {
            var q = h.createQuery("SELECT " + COLUMNS + " FROM notification_deliveries"
                    + (channel == null ? "" : " WHERE channel = :c") + " ORDER BY created_at DESC, id DESC LIMIT :n").bind("n", limit);
            return (channel == null ? q : q.bind("c", channel)).map(SqlNotificationLog::delivery).list();
        });
    }

    public Delivery find(long id) {
        return db.read(h -> find(h, id));
    }

    private static Delivery find(Handle h, long id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM notification_deliveries WHERE id = :id").bind("id", id)
                .map(SqlNotificationLog::delivery).one();
    }

    /** When the event was last announced (by any node), if ever. */
    @Override
    public java.util.Optional<Instant> lastAnnounced(String eventKey) {
        return db.read(h -> h.createQuery("SELECT last_at FROM notification_events WHERE event_key = :k").bind("k", eventKey)
                .mapTo(Long.class).findOne().map(Instant::ofEpochMilli));
    }

    /**
     * Refusals for want of a seat may be among these: {@code no-seats-available} refusals with
     * {@code from <= at < to}, oldest first, each with the pool's seats in use when it was made (see
     * {@code UsageTimeline.forWantOfASeat}, which tells them from a limit rule's).
     */
    @Override
    public List<UsageEvent> noSeatRefusals(Instant from, Instant to, int limit) {
        return db.read(h -> h.createQuery("""
                        SELECT id, at, product, feature, user_name, host, reason, in_use FROM seat_events
                        WHERE type = 'DENY' AND reason = 'no-seats-available' AND at >= :from AND at < :to ORDER BY at, id LIMIT :n""")
                .bind("from", from.toEpochMilli()).bind("to", to.toEpochMilli()).bind("n", limit)
                .map((rs, ctx) -> {
                    int n = rs.getInt(8);
                    Integer inUse = rs.wasNull() ? null : n;
                    return new UsageEvent(rs.getLong(1), rs.getLong(2), SeatEvent.Type.DENY, new PoolKey(rs.getString(3), rs.getString(4)),
                            rs.getString(5), rs.getString(6), null, rs.getString(7), inUse);
                }).list());
    }

    /**
     * Forgets finished deliveries created before {@code before}, and events whose quiet period ended
     * before it (once-only events stay: they keep a license from being announced twice).
     */
    @Override
    public int purge(Instant before) {
        long t = before.toEpochMilli();
        return db.write((h, after) -> h.createUpdate("DELETE FROM notification_deliveries WHERE created_at < :t AND status IN ('sent', 'failed')")
                .bind("t", t).execute()
                + h.createUpdate("DELETE FROM notification_events WHERE quiet_until < :t").bind("t", t).execute());
    }

    private static Delivery delivery(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                rs.getString(7), Instant.ofEpochMilli(rs.getLong(8)), rs.getString(9), rs.getInt(10), Instant.ofEpochMilli(rs.getLong(11)),
                instant(rs, 12), rs.getString(13), instant(rs, 14));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
