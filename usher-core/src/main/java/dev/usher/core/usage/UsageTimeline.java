package dev.usher.core.usage;

import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntBiFunction;

/**
 * Turns the stream of seat events into per-minute rows and per-person days. Pure: the store loads
 * its state (the minute it has covered, seats in use per pool, the seats open and who holds them),
 * feeds it the events of complete minutes, and saves rows and state in one transaction, so a
 * restart resumes exactly where the last transaction ended.
 *
 * <p>{@code refusedUsers} counts people refused for want of a seat only ({@link #forWantOfASeat}); the
 * {@code no-seats-available} count ({@code deniedNoSeats}) has every refusal of that code.
 *
 * <p>The in-use count comes from the events themselves (each carries the pool's count after it), so
 * peaks and the time-weighted average are exact, not sampled. An event whose time is before the
 * covered minute (it committed late) counts at the start of the next minute.
 */
public final class UsageTimeline {

    public static final long MINUTE = 60_000L;
    public static final long HOUR = 3_600_000L;
    public static final long DAY = 86_400_000L;

    /** A seat held at the covered time. */
    public record OpenSeat(String seatId, PoolKey pool, String user) {}

    /** Rows and person-days of the minutes closed since the last {@link #drain()}. */
    public record Output(List<UsageRow> minutes, List<UserDay> userDays) {}

    private long through;
    private final Map<PoolKey, Integer> inUse;
    private final Map<String, OpenSeat> open;
    private final ToIntBiFunction<PoolKey, Long> capacity;
    private final Set<PoolKey> knownPools;
    private long lastEventId;

    // the minute being built (starting at `through`)
    private Map<PoolKey, Minute> minutes;
    private Map<String, Long> since;
    private final List<UsageRow> rows = new ArrayList<>();
    private final Map<DayKey, DayAcc> days = new LinkedHashMap<>();

    /**
     * @param through    the start of the first minute not yet covered (a whole minute)
     * @param capacity   licensed seats of a pool at a time
     * @param knownPools pools that get a row every minute even when idle (the licensed ones)
     */
    public UsageTimeline(long through, long lastEventId, Map<PoolKey, Integer> inUse, Map<String, OpenSeat> open,
                         ToIntBiFunction<PoolKey, Long> capacity, Set<PoolKey> knownPools) {
        if (through % MINUTE != 0) {
            throw new IllegalArgumentException("the covered time must be a whole minute");
        }
        this.through = through;
        this.lastEventId = lastEventId;
        this.inUse = new HashMap<>(inUse);
        this.open = new LinkedHashMap<>(open);
        this.capacity = capacity;
        this.knownPools = Set.copyOf(knownPools);
        startMinute();
    }

    /** The start of the minute being built: everything before it is covered. */
    public long through() {
        return through;
    }

    /** The id of the last event fed. */
    public long lastEventId() {
        return lastEventId;
    }

    /** Seats in use per pool at {@link #through()} (valid between minutes, i.e. after {@link #closeUntil}). */
    public Map<PoolKey, Integer> inUse() {
        return Map.copyOf(inUse);
    }

    /** Seats held at {@link #through()}. */
    public Map<String, OpenSeat> openSeats() {
        return Map.copyOf(open);
    }

    private static final class Minute {
        int peak;
        long seatMs;
        int lastInUse;
        long lastT;
        int grants;
        int noSeats;
        int notEntitled;
        int notLicensed;
        final Set<String> users = new HashSet<>();
        final Set<String> refused = new HashSet<>();
        boolean events;
    }

    private record DayKey(long day, PoolKey pool, String user) {}

    private static final class DayAcc {
        int sessions;
        final Set<String> hosts = new TreeSet<>();
        long seatMs;
        int hoursMask;
    }

    private Minute minute(PoolKey pool) {
        return minutes.computeIfAbsent(pool, p -> {
            Minute acc = new Minute();
            acc.lastInUse = inUse.getOrDefault(p, 0);
            acc.peak = acc.lastInUse;
            acc.lastT = through;
            return acc;
        });
    }

    private void startMinute() {
        minutes = new HashMap<>();
        since = new HashMap<>();
        for (PoolKey p : knownPools) {
            minute(p);
        }
        inUse.forEach((p, n) -> {
            if (n > 0) {
                minute(p);
            }
        });
        // Seat time of each open seat within this minute starts at the minute's start (or when granted).
        for (OpenSeat s : open.values()) {
            since.put(s.seatId(), through);
            minute(s.pool()).users.add(s.user());
        }
    }

    /**
     * Takes the next event (in the order they were recorded). Minutes before the event's are closed
     * first; an event from before the minute being built (it committed late) counts at its start.
     */
    public void feed(UsageEvent e) {
        while (e.at() >= through + MINUTE) {
            closeMinute();
        }
        lastEventId = Math.max(lastEventId, e.id());
        long t = Math.max(e.at(), through);
        Minute acc = minute(e.pool());
        acc.events = true;
        acc.seatMs += (long) acc.lastInUse * (t - acc.lastT);
        acc.lastT = t;
        if (e.inUse() != null) {
            int before = inUse.getOrDefault(e.pool(), 0);
            int after = e.inUse();
            if (after > before && e.seatId() != null && e.type() == SeatEvent.Type.GRANT) {
                open.put(e.seatId(), new OpenSeat(e.seatId(), e.pool(), e.user()));
                since.put(e.seatId(), t);
            } else if (after < before && e.seatId() != null) {
                OpenSeat closed = open.remove(e.seatId());
                Long from = since.remove(e.seatId());
                if (closed != null && from != null) {
                    addSeatTime(closed, from, t);
                }
            }
            inUse.put(e.pool(), after);
            acc.lastInUse = after;
            acc.peak = Math.max(acc.peak, after);
        }
        switch (e.type()) {
            case GRANT, JOIN -> {
                if (e.type() == SeatEvent.Type.GRANT) {
                    acc.grants++;
                }
                if (e.user() != null) {
                    acc.users.add(e.user());
                    DayAcc d = days.computeIfAbsent(new DayKey(dayOf(t), e.pool(), e.user()), k -> new DayAcc());
                    d.sessions++;
                    d.hoursMask |= 1 << hourOfDay(t);
                    if (e.host() != null) {
                        d.hosts.add(e.host());
                    }
                }
            }
            case DENY -> {
                if (DenyReason.NO_SEATS_AVAILABLE.code().equals(e.reason())) {
                    acc.noSeats++;
                    if (e.user() != null && forWantOfASeat(e, capacity.applyAsInt(e.pool(), through))) {
                        acc.refused.add(e.user());
                    }
                } else if (DenyReason.NOT_ENTITLED.code().equals(e.reason())) {
                    acc.notEntitled++;
                } else if (DenyReason.SERVER_NOT_LICENSED.code().equals(e.reason())) {
                    acc.notLicensed++;
                }
            }
            default -> {
                // releases change only the count, handled above
            }
        }
    }

    /**
     * True when a {@code no-seats-available} refusal was for want of a seat: every licensed seat was in use
     * when it was made. The same code also answers a person whom a {@code limit} rule keeps out while
     * seats are free; more seats would not serve them, so they are no demand (right-sizing) and no
     * shortage (notifications). An event from before V5 carries no count and is taken at its word.
     */
    public static boolean forWantOfASeat(UsageEvent e, int capacity) {
        return DenyReason.NO_SEATS_AVAILABLE.code().equals(e.reason()) && (e.inUse() == null || e.inUse() >= capacity);
    }

    /** Closes every minute before {@code until} (a whole minute); feed no event before it afterwards. */
    public void closeUntil(long until) {
        if (until % MINUTE != 0) {
            throw new IllegalArgumentException("until must be a whole minute");
        }
        while (through < until) {
            closeMinute();
        }
    }

    private void closeMinute() {
        long end = through + MINUTE;
        for (OpenSeat s : open.values()) {
            addSeatTime(s, since.getOrDefault(s.seatId(), through), end);
        }
        for (var entry : minutes.entrySet()) {
            Minute acc = entry.getValue();
            acc.seatMs += (long) acc.lastInUse * (end - acc.lastT);
            if (acc.peak == 0 && !acc.events && !knownPools.contains(entry.getKey())) {
                continue;
            }
            int refused = acc.refused.size();
            rows.add(new UsageRow(UsageRow.Step.MINUTE, entry.getKey(), through, acc.peak, acc.seatMs,
                    capacity.applyAsInt(entry.getKey(), through), acc.grants, acc.noSeats, acc.notEntitled, acc.notLicensed,
                    acc.users.size(), refused, acc.peak + refused));
        }
        through = end;
        startMinute();
    }

    /** The rows and person-days of the minutes closed since the last call. */
    public Output drain() {
        List<UserDay> out = new ArrayList<>(days.size());
        days.forEach((k, d) -> out.add(new UserDay(k.day(), k.pool(), k.user(), d.sessions, Set.copyOf(d.hosts), d.seatMs, d.hoursMask)));
        Output o = new Output(List.copyOf(rows), out);
        rows.clear();
        days.clear();
        return o;
    }

    private void addSeatTime(OpenSeat s, long from, long to) {
        if (s.user() == null || to <= from) {
            return;
        }
        // Spans never cross a minute, so from and to lie in one hour of one day.
        DayAcc d = days.computeIfAbsent(new DayKey(dayOf(from), s.pool(), s.user()), k -> new DayAcc());
        d.seatMs += to - from;
        d.hoursMask |= 1 << hourOfDay(from);
    }

    public static long dayOf(long t) {
        return Math.floorDiv(t, DAY) * DAY;
    }

    public static int hourOfDay(long t) {
        return (int) (Math.floorMod(t, DAY) / HOUR);
    }
}
