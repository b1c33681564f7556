package dev.usher.server.console;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.store.Database;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "Peak today" and "denials today" per pool, for the dashboard, read from the seat event history
 * (the services keep no such numbers; the usage reports will).
 *
 * <p>The peak is exact, not sampled: walking the events backwards from the seats held now, a grant
 * means one seat fewer before it, and the last release of a seat that no longer exists means one
 * more. Only the events since the previous look are read each time, so a dashboard that polls every
 * few seconds reads a handful of rows, not the day.
 */
public final class SeatActivity {

    /** One pool's day so far. */
    public record Today(int peak, int denials) {}

    private record Event(long id, SeatEvent.Type type, PoolKey pool, String seatId) {}

    private record Snapshot(Map<PoolKey, Set<String>> seats, List<Event> newestFirst) {}

    private final Database db;
    private final Clock clock;
    private final ZoneId zone;
    private LocalDate day;
    private long cursor = -1;
    private final Map<PoolKey, Integer> peak = new HashMap<>();
    private final Map<PoolKey, Integer> denials = new HashMap<>();

    public SeatActivity(Database db, Clock clock, ZoneId zone) {
        this.db = db;
        this.clock = clock;
        this.zone = zone;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Every pool with activity today (pools without any are at their current in-use, no denials). */
    public synchronized Map<PoolKey, Today> today() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, zone);
        if (!today.equals(day)) {
            day = today;
            cursor = -1;
            peak.clear();
            denials.clear();
        }
        long since = day.atStartOfDay(zone).toInstant().toEpochMilli();
        Snapshot s = read(cursor, since);
        // Walk back from now to the cursor (or midnight), keeping each pool's seat set as it was.
        Map<PoolKey, Set<String>> live = new HashMap<>();
        s.seats().forEach((k, v) -> live.put(k, new HashSet<>(v)));
        live.forEach((k, v) -> peak.merge(k, v.size(), Math::max));
        for (Event e : s.newestFirst()) {
            Set<String> seats = live.computeIfAbsent(e.pool(), k -> new HashSet<>());
            switch (e.type()) {
                case GRANT -> seats.remove(e.seatId());
                case RELEASE, EXPIRY, FORCE_RELEASE, LINGER_END -> {
                    if (e.seatId() != null) {
                        seats.add(e.seatId());
                    }
                }
                case DENY -> denials.merge(e.pool(), 1, Integer::sum);
                case JOIN -> { }
            }
            peak.merge(e.pool(), seats.size(), Math::max);
            cursor = Math.max(cursor, e.id());
        }
        Map<PoolKey, Today> out = new HashMap<>();
        for (PoolKey k : peak.keySet()) {
            out.put(k, new Today(peak.get(k), denials.getOrDefault(k, 0)));
        }
        return out;
    }

    /** Sessions open now (one indexed count; the dashboard does not load the sessions themselves). */
    public int liveSessions() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM sessions").mapTo(Integer.class).one());
    }

    private Snapshot read(long after, long since) {
        // One read transaction, so the seats and the events are the same moment (a plain BEGIN: the
        // read connections are query-only, and JDBI's transactions begin with a write lock).
        return db.read(t -> {
            t.execute("BEGIN");
            try {
                return snapshot(t, after, since);
            } finally {
                t.execute("COMMIT");
            }
        });
    }

    private static Snapshot snapshot(org.jdbi.v3.core.Handle t, long after, long since) {
        {
            Map<PoolKey, Set<String>> seats = new HashMap<>();
            t.createQuery("SELECT id, product, feature FROM seats").map((rs, ctx) ->
                    seats.computeIfAbsent(new PoolKey(rs.getString(2), rs.getString(3)), k -> new HashSet<>()).add(rs.getString(1))).list();
            List<Event> events = new ArrayList<>();
            t.createQuery("""
                            SELECT id, type, product, feature, seat_id FROM seat_events
                            WHERE id > :after AND at >= :since ORDER BY id DESC""")
                    .bind("after", after).bind("since", since)
                    .map((rs, ctx) -> events.add(new Event(rs.getLong(1), SeatEvent.Type.valueOf(rs.getString(2)),
                            new PoolKey(rs.getString(3), rs.getString(4)), rs.getString(5))))
                    .list();
            return new Snapshot(seats, events);
        }
    }
}
