package dev.usher.server.console;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatViews;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
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

    private final SeatViews views;
    private final Clock clock;
    private final ZoneId zone;
    private LocalDate day;
    private long cursor = -1;
    private final Map<PoolKey, Integer> peak = new HashMap<>();
    private final Map<PoolKey, Integer> denials = new HashMap<>();

    public SeatActivity(SeatViews views, Clock clock, ZoneId zone) {
        this.views = views;
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
        SeatViews.Activity s = views.activity(cursor, Instant.ofEpochMilli(since));
        // Walk back from now to the cursor (or midnight), keeping each pool's seat set as it was.
        Map<PoolKey, Set<String>> live = new HashMap<>();
        s.seats().forEach((k, v) -> live.put(k, new HashSet<>(v)));
        live.forEach((k, v) -> peak.merge(k, v.size(), Math::max));
        for (SeatViews.EventAt e : s.newestFirst()) {
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

    /** Sessions open now. */
    public int liveSessions() {
        return views.liveSessions();
    }
}
