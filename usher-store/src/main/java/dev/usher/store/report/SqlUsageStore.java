package dev.usher.store.report;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.UsageEvent;
import dev.usher.core.usage.UsageHistory;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UsageTimeline;
import dev.usher.core.usage.UserDay;
import dev.usher.store.Database;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Usage history in portable SQL: the recorder's state, per-minute rows with their hour and day
 * roll-ups, per-person days, retention, and the queries reports read.
 */
public final class SqlUsageStore implements UsageHistory {

    static final String THROUGH = "usage.through";
    static final String EVENT = "usage.event";
    /** Hosts remembered per person per pool per day (more are counted as one "…"). */
    static final int MAX_HOSTS = 20;

    private final Database db;
    private final SettledIds settled;
    private final UsageReads reads;

    public SqlUsageStore(Database db) {
        this.db = db;
        this.settled = new SettledIds(db, "seat_events");
        this.reads = new UsageReads(db);
    }

    /**
     * The recorder's saved state; on the very first call, the ledger's present (seats held now) as of
     * {@code startAt}, so history starts with the right counts.
     */
    @Override
    public State state(long startAt) {
        return db.write((h, after) -> {
            // One node at a time (several share PostgreSQL): the state read here is what one save left.
            db.dialect().lockRecorder(h, "usage");
            var through = cursor(h, THROUGH);
            if (through == null) {
                // Once ever: no seat change may commit between the counts copied here and the last event id.
                db.dialect().lockTableWrites(h, "seat_events");
                long lastId = h.createQuery("SELECT COALESCE(MAX(id), 0) FROM seat_events").mapTo(Long.class).one();
                h.execute("DELETE FROM usage_pool_state");
                h.execute("DELETE FROM usage_open_seats");
                h.execute("""
                        INSERT INTO usage_pool_state (product, feature, in_use)
                        SELECT product, feature, in_use FROM pool_counters WHERE in_use > 0""");
                h.execute("""
                        INSERT INTO usage_open_seats (seat_id, product, feature, user_name)
                        SELECT s.id, s.product, s.feature, u.name FROM seats s JOIN users u ON u.id = s.user_id""");
                setCursor(h, THROUGH, startAt);
                setCursor(h, EVENT, lastId);
            }
            return loadState(h);
        });
    }

    private static State loadState(Handle h) {
        Map<PoolKey, Integer> inUse = new HashMap<>();
        h.createQuery("SELECT product, feature, in_use FROM usage_pool_state")
                .map((rs, ctx) -> inUse.put(new PoolKey(rs.getString(1), rs.getString(2)), rs.getInt(3))).list();
        Map<String, UsageTimeline.OpenSeat> open = new LinkedHashMap<>();
        h.createQuery("SELECT seat_id, product, feature, user_name FROM usage_open_seats ORDER BY seat_id")
                .map((rs, ctx) -> open.put(rs.getString(1), new UsageTimeline.OpenSeat(rs.getString(1),
                        new PoolKey(rs.getString(2), rs.getString(3)), rs.getString(4)))).list();
        return new State(cursor(h, THROUGH), cursor(h, EVENT), inUse, open);
    }

    static Long cursor(Handle h, String name) {
        return h.createQuery("SELECT position FROM report_cursors WHERE name = :n").bind("n", name)
                .mapTo(Long.class).findOne().orElse(null);
    }

    static void setCursor(Handle h, String name, long position) {
        h.createUpdate("""
                        INSERT INTO report_cursors (name, position) VALUES (:n, :p)
                        ON CONFLICT (name) DO UPDATE SET position = excluded.position""")
                .bind("n", name).bind("p", position).execute();
    }

    /**
     * Seat events after {@code afterId}, in the order they were recorded; on PostgreSQL only the ones
     * no later commit can come before ({@link SettledIds}), so fewer than {@code limit} may come back
     * while more exist.
     */
    public List<UsageEvent> events(long afterId, int limit) {
        return read(afterId, limit).events();
    }

    /**
     * Like {@link #events}, saying also from when events were held back: {@code heldBackFrom} is the
     * earliest time of an event read but held back behind an unsettled hole ({@link SettledIds}).
     */
    @Override
    public synchronized EventPage read(long afterId, int limit) {
        return db.read(h -> {
            settled.beforeRead(h);
            List<UsageEvent> read = h.createQuery("""
                        SELECT id, at, type, product, feature, user_name, host, seat_id, reason, in_use
                        FROM seat_events WHERE id > :id ORDER BY id LIMIT :n""")
                .bind("id", afterId).bind("n", limit)
                .map((rs, ctx) -> {
                    int n = rs.getInt(10);
                    Integer inUse = rs.wasNull() ? null : n; // asked at once: a later getString resets wasNull
                    return new UsageEvent(rs.getLong(1), rs.getLong(2), SeatEvent.Type.valueOf(rs.getString(3)),
                            new PoolKey(rs.getString(4), rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), inUse);
                })
                .list();
            int n = settled.settled(h, afterId, read.stream().map(UsageEvent::id).toList());
            long heldBackFrom = read.subList(n, read.size()).stream().mapToLong(UsageEvent::at).min().orElse(Long.MAX_VALUE);
            return new EventPage(read.subList(0, n), heldBackFrom);
        });
    }

    /**
     * Saves, in one transaction: the minutes the timeline closed, the person-days, the roll-ups of
     * every hour and day that ended between {@code before.through()} and the timeline's, and the new
     * state. A restart resumes from exactly this point. Saves nothing and answers false when the saved
     * state is no longer {@code before}: another node sharing the database covered these minutes first.
     */
    @Override
    public boolean save(State before, UsageTimeline timeline, UsageTimeline.Output out) {
        long from = before.through();
        long to = timeline.through();
        return db.write((h, after) -> {
            db.dialect().lockRecorder(h, "usage");
            if (cursor(h, THROUGH) != before.through() || cursor(h, EVENT) != before.lastEventId()) {
                return false; // another node saved these minutes meanwhile (they would be counted twice)
            }
            upsertRows(h, out.minutes());
            for (UserDay d : out.userDays()) {
                mergeUserDay(h, d);
            }
            for (long hour = Math.floorDiv(from, UsageTimeline.HOUR) * UsageTimeline.HOUR; hour + UsageTimeline.HOUR <= to; hour += UsageTimeline.HOUR) {
                rollUp(h, UsageRow.Step.HOUR, UsageRow.Step.MINUTE, hour);
                h.createUpdate("""
                                UPDATE usage_history SET distinct_users = (
                                  SELECT COUNT(*) FROM usage_user_day u WHERE u.product = usage_history.product
                                    AND u.feature = usage_history.feature AND u.day = :day AND (u.hours_mask & :bit) <> 0)
                                WHERE step = 'hour' AND start = :start""")
                        .bind("day", UsageTimeline.dayOf(hour)).bind("bit", 1 << UsageTimeline.hourOfDay(hour)).bind("start", hour)
                        .execute();
            }
            for (long day = UsageTimeline.dayOf(from); day + UsageTimeline.DAY <= to; day += UsageTimeline.DAY) {
                rollUp(h, UsageRow.Step.DAY, UsageRow.Step.HOUR, day);
                h.createUpdate("""
                                UPDATE usage_history SET distinct_users = (
                                  SELECT COUNT(*) FROM usage_user_day u WHERE u.product = usage_history.product
                                    AND u.feature = usage_history.feature AND u.day = :day)
                                WHERE step = 'day' AND start = :day""")
                        .bind("day", day).execute();
            }
            // The state: pools' counts (few rows, rewritten) and the open seats (only what changed).
            h.execute("DELETE FROM usage_pool_state");
            PreparedBatch pools = h.prepareBatch("INSERT INTO usage_pool_state (product, feature, in_use) VALUES (:p, :f, :n)");
            timeline.inUse().forEach((p, n) -> {
                if (n > 0) {
                    pools.bind("p", p.product()).bind("f", p.feature()).bind("n", n).add();
                }
            });
            if (pools.size() > 0) {
                pools.execute();
            }
            Map<String, UsageTimeline.OpenSeat> now = timeline.openSeats();
            PreparedBatch gone = h.prepareBatch("DELETE FROM usage_open_seats WHERE seat_id = :id");
            before.open().keySet().stream().filter(id -> !now.containsKey(id)).forEach(id -> gone.bind("id", id).add());
            if (gone.size() > 0) {
                gone.execute();
            }
            PreparedBatch added = h.prepareBatch("""
                    INSERT INTO usage_open_seats (seat_id, product, feature, user_name) VALUES (:id, :p, :f, :u)""");
            now.values().stream().filter(s -> !before.open().containsKey(s.seatId())).forEach(s -> added.bind("id", s.seatId())
                    .bind("p", s.pool().product()).bind("f", s.pool().feature()).bind("u", s.user() == null ? "" : s.user()).add());
            if (added.size() > 0) {
                added.execute();
            }
            setCursor(h, THROUGH, to);
            setCursor(h, EVENT, timeline.lastEventId());
            return true;
        });
    }

    private static void upsertRows(Handle h, List<UsageRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        PreparedBatch b = h.prepareBatch("""
                INSERT INTO usage_history (step, product, feature, start, peak, seat_ms, capacity, grants, denied_no_seats,
                  denied_not_entitled, denied_not_licensed, distinct_users, refused_users, demand_peak)
                VALUES (:step, :p, :f, :start, :peak, :ms, :cap, :grants, :ns, :ne, :nl, :users, :refused, :demand)
                ON CONFLICT (step, product, feature, start) DO UPDATE SET peak = excluded.peak, seat_ms = excluded.seat_ms,
                  capacity = excluded.capacity, grants = excluded.grants, denied_no_seats = excluded.denied_no_seats,
                  denied_not_entitled = excluded.denied_not_entitled, denied_not_licensed = excluded.denied_not_licensed,
                  distinct_users = excluded.distinct_users, refused_users = excluded.refused_users, demand_peak = excluded.demand_peak""");
        for (UsageRow r : rows) {
            b.bind("step", r.step().code()).bind("p", r.pool().product()).bind("f", r.pool().feature()).bind("start", r.start())
                    .bind("peak", r.peak()).bind("ms", r.seatMs()).bind("cap", r.capacity()).bind("grants", r.grants())
                    .bind("ns", r.deniedNoSeats()).bind("ne", r.deniedNotEntitled()).bind("nl", r.deniedNotLicensed())
                    .bind("users", r.distinctUsers()).bind("refused", r.refusedUsers()).bind("demand", r.demandPeak()).add();
        }
        b.execute();
    }

    private static void rollUp(Handle h, UsageRow.Step step, UsageRow.Step from, long start) {
        h.createUpdate("""
                        INSERT INTO usage_history (step, product, feature, start, peak, seat_ms, capacity, grants, denied_no_seats,
                          denied_not_entitled, denied_not_licensed, distinct_users, refused_users, demand_peak)
                        SELECT :step, product, feature, :start, MAX(peak), SUM(seat_ms), MAX(capacity), SUM(grants), SUM(denied_no_seats),
                          SUM(denied_not_entitled), SUM(denied_not_licensed), 0, MAX(refused_users), MAX(demand_peak)
                        FROM usage_history WHERE step = :from AND start >= :start AND start < :end
                        GROUP BY product, feature
                        ON CONFLICT (step, product, feature, start) DO UPDATE SET peak = excluded.peak, seat_ms = excluded.seat_ms,
                          capacity = excluded.capacity, grants = excluded.grants, denied_no_seats = excluded.denied_no_seats,
                          denied_not_entitled = excluded.denied_not_entitled, denied_not_licensed = excluded.denied_not_licensed,
                          refused_users = excluded.refused_users, demand_peak = excluded.demand_peak""")
                .bind("step", step.code()).bind("from", from.code()).bind("start", start).bind("end", start + step.millis())
                .execute();
    }

    private static void mergeUserDay(Handle h, UserDay d) {
        record Row(int sessions, String hosts, long seatMs, int mask) {}
        Row old = h.createQuery("""
                        SELECT sessions, hosts, seat_ms, hours_mask FROM usage_user_day
                        WHERE product = :p AND feature = :f AND day = :day AND user_name = :u""")
                .bind("p", d.pool().product()).bind("f", d.pool().feature()).bind("day", d.day()).bind("u", d.user())
                .map((rs, ctx) -> new Row(rs.getInt(1), rs.getString(2), rs.getLong(3), rs.getInt(4))).findOne()
                .orElse(new Row(0, "", 0, 0));
        Set<String> hosts = new TreeSet<>(splitHosts(old.hosts()));
        for (String host : d.hosts()) {
            if (hosts.size() < MAX_HOSTS) {
                hosts.add(host);
            }
        }
        h.createUpdate("""
                        INSERT INTO usage_user_day (day, product, feature, user_name, sessions, hosts, seat_ms, hours_mask)
                        VALUES (:day, :p, :f, :u, :s, :hosts, :ms, :mask)
                        ON CONFLICT (product, feature, day, user_name) DO UPDATE SET sessions = excluded.sessions,
                          hosts = excluded.hosts, seat_ms = excluded.seat_ms, hours_mask = excluded.hours_mask""")
                .bind("day", d.day()).bind("p", d.pool().product()).bind("f", d.pool().feature()).bind("u", d.user())
                .bind("s", old.sessions() + d.sessions()).bind("hosts", String.join("\n", hosts))
                .bind("ms", old.seatMs() + d.seatMs()).bind("mask", old.mask() | d.hoursMask())
                .execute();
    }

    static List<String> splitHosts(String hosts) {
        return hosts == null || hosts.isEmpty() ? List.of() : Arrays.asList(hosts.split("\n"));
    }

    // ---- reading: what reports ask (UsageReads) ----------------------------------------------

    @Override
    public List<UsageRow> rows(UsageRow.Step step, String product, String feature, long from, long to) {
        return reads.rows(step, product, feature, from, to);
    }

    @Override
    public List<UserDay> userDays(String product, String feature, String user, long from, long to) {
        return reads.userDays(product, feature, user, from, to);
    }

    @Override
    public List<SeatEvent> denials(String product, String feature, String user, String reason, long from, long to, int limit) {
        return reads.denials(product, feature, user, reason, from, to, limit);
    }

    @Override
    public Long historyStart(String product, String feature) {
        return reads.historyStart(product, feature);
    }

    /**
     * Deletes rows that start before their step's cutoff (a row starting exactly at the cutoff stays);
     * a null cutoff keeps that step forever.
     */
    @Override
    public Purged purge(Long minuteCutoff, Long hourCutoff, Long dayCutoff, Long userDayCutoff) {
        return db.write((h, after) -> new Purged(
                delete(h, "DELETE FROM usage_history WHERE step = 'minute' AND start < :c", minuteCutoff),
                delete(h, "DELETE FROM usage_history WHERE step = 'hour' AND start < :c", hourCutoff),
                delete(h, "DELETE FROM usage_history WHERE step = 'day' AND start < :c", dayCutoff),
                delete(h, "DELETE FROM usage_user_day WHERE day < :c", userDayCutoff)));
    }

    private static int delete(Handle h, String sql, Long cutoff) {
        return cutoff == null ? 0 : h.createUpdate(sql).bind("c", cutoff).execute();
    }
}
