package dev.usher.store.report;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The reads reports make: usage rows of one step, per-person days, refusals, and where a pool's history begins.
 * Every filter a report leaves out (null) is left out of the SQL too, so each query stays one index range.
 */
final class UsageReads {

    private final Database db;

    UsageReads(Database db) {
        this.db = db;
    }

    /** A query's conditions and binds: a value that is null adds neither. Binds stay typed (PostgreSQL checks them). */
    private static final class Filters {
        private final StringBuilder sql;
        private final List<Consumer<Query>> binds = new ArrayList<>();

        Filters(String select) {
            this.sql = new StringBuilder(select);
        }

        /** A bind the query always has (its range, its limit). */
        Filters with(String name, long value) {
            binds.add(q -> q.bind(name, value));
            return this;
        }

        Filters with(String name, String value) {
            binds.add(q -> q.bind(name, value));
            return this;
        }

        Filters and(String condition, String name, String value) {
            if (value != null) {
                sql.append(" AND ").append(condition);
                binds.add(q -> q.bind(name, value));
            }
            return this;
        }

        Query query(Handle h, String rest) {
            Query q = h.createQuery(sql + rest);
            binds.forEach(b -> b.accept(q));
            return q;
        }
    }

    /** Rows of one step with {@code from <= start < to}, optionally of one product and feature, by pool then time. */
    List<UsageRow> rows(UsageRow.Step step, String product, String feature, long from, long to) {
        Filters f = new Filters("""
                SELECT step, product, feature, start, peak, seat_ms, capacity, grants, denied_no_seats, denied_not_entitled,
                  denied_not_licensed, distinct_users, refused_users, demand_peak
                FROM usage_history WHERE step = :step AND start >= :from AND start < :to""")
                .with("step", step.code()).with("from", from).with("to", to)
                .and("product = :p", "p", product).and("feature = :f", "f", feature);
        return db.read(h -> f.query(h, " ORDER BY product, feature, start")
                .map((rs, ctx) -> new UsageRow(UsageRow.Step.fromCode(rs.getString(1)), new PoolKey(rs.getString(2), rs.getString(3)),
                        rs.getLong(4), rs.getInt(5), rs.getLong(6), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getInt(10),
                        rs.getInt(11), rs.getInt(12), rs.getInt(13), rs.getInt(14))).list());
    }

    /** Per-person days with {@code from <= day < to}. */
    List<UserDay> userDays(String product, String feature, String user, long from, long to) {
        Filters f = new Filters("""
                SELECT day, product, feature, user_name, sessions, hosts, seat_ms, hours_mask
                FROM usage_user_day WHERE day >= :from AND day < :to""")
                .with("from", from).with("to", to)
                .and("product = :p", "p", product).and("feature = :f", "f", feature).and("LOWER(user_name) = LOWER(:u)", "u", user);
        return db.read(h -> f.query(h, " ORDER BY day, product, feature, user_name")
                .map((rs, ctx) -> new UserDay(rs.getLong(1), new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4),
                        rs.getInt(5), Set.copyOf(SqlUsageStore.splitHosts(rs.getString(6))), rs.getLong(7), rs.getInt(8))).list());
    }

    /** Refusals with {@code from <= at < to}, newest last, at most {@code limit}. */
    List<SeatEvent> denials(String product, String feature, String user, String reason, long from, long to, int limit) {
        Filters f = new Filters("""
                SELECT at, type, product, feature, user_name, host, session_id, seat_id, reason, detail
                FROM seat_events WHERE type = 'DENY' AND at >= :from AND at < :to""")
                .with("from", from).with("to", to).with("n", limit)
                .and("product = :p", "p", product).and("feature = :f", "f", feature).and("LOWER(user_name) = LOWER(:u)", "u", user)
                .and("reason = :r", "r", reason);
        return db.read(h -> f.query(h, " ORDER BY at, id LIMIT :n")
                .map((rs, ctx) -> new SeatEvent(Instant.ofEpochMilli(rs.getLong(1)), SeatEvent.Type.valueOf(rs.getString(2)),
                        new PoolKey(rs.getString(3), rs.getString(4)), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), rs.getString(9), rs.getString(10))).list());
    }

    /**
     * When the history of a pool begins: the start of its earliest row of any step (each lookup is one
     * step of the primary key), or null when it has none. Reports draw from there when a period reaches
     * back further, so the first minutes of a new installation fill the chart.
     */
    Long historyStart(String product, String feature) {
        return db.read(h -> {
            Long first = null;
            for (UsageRow.Step step : UsageRow.Step.values()) {
                Long s = h.createQuery("SELECT MIN(start) FROM usage_history WHERE step = :s AND product = :p AND feature = :f")
                        .bind("s", step.code()).bind("p", product).bind("f", feature).mapTo(Long.class).findOne().orElse(null);
                if (s != null) { // not a ternary: mixing Long and long there unboxes a null first
                    first = first == null ? s : Long.valueOf(Math.min(first, s));
                }
            }
            return first;
        });
    }
}
