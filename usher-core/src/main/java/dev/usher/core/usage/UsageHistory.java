package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;

import java.util.List;
import java.util.Map;

/**
 * Usage history: the seat events the recorder reads, the minutes, hours, days and person-days it
 * saves with its own state (so that a restart resumes where it stopped), retention, and the queries
 * reports and watches read. Times are epoch milliseconds.
 */
public interface UsageHistory {

    /** Where the recorder is: the first minute not covered, the last event consumed, and the pools' state then. */
    record State(long through, long lastEventId, Map<PoolKey, Integer> inUse, Map<String, UsageTimeline.OpenSeat> open) {}

    /**
     * Events after an id in id order, and {@code heldBackFrom}: the earliest time of an event read but
     * held back because an earlier one may still commit ({@link Long#MAX_VALUE} when none was). Minutes
     * from that one on cannot be closed yet.
     */
    record EventPage(List<UsageEvent> events, long heldBackFrom) {}

    /** How many rows retention removed. */
    record Purged(int minutes, int hours, int days, int userDays) {}

    /**
     * The recorder's saved state; on the very first call, the seats held now as of {@code startAt},
     * so history starts with the right counts.
     */
    State state(long startAt);

    /** Seat events after {@code afterId} (up to {@code limit}), saying also from when events were held back. */
    EventPage read(long afterId, int limit);

    /**
     * Saves, at once, the minutes and person-days the timeline closed, the roll-ups of every hour and day
     * that ended meanwhile, and the new state. Saves nothing and answers false when the saved state is no
     * longer {@code before} (another node covered these minutes first).
     */
    boolean save(State before, UsageTimeline timeline, UsageTimeline.Output out);

    /** Deletes rows that start before their step's cutoff; a null cutoff keeps that step forever. */
    Purged purge(Long minuteCutoff, Long hourCutoff, Long dayCutoff, Long userDayCutoff);

    /** Rows of one step with {@code from <= start < to}, optionally of one product and feature, by pool then time. */
    List<UsageRow> rows(UsageRow.Step step, String product, String feature, long from, long to);

    /** Per-person days with {@code from <= day < to}; null filters mean any. */
    List<UserDay> userDays(String product, String feature, String user, long from, long to);

    /** Refusals with {@code from <= at < to}, newest last, at most {@code limit}; null filters mean any. */
    List<SeatEvent> denials(String product, String feature, String user, String reason, long from, long to, int limit);

    /** When the history of a pool begins (its earliest row of any step), or null when it has none. */
    Long historyStart(String product, String feature);
}
