package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The hour or day still running, made from its minutes so far: a report drawn in the first minutes of
 * an hour (or of an installation) shows them, instead of waiting for the roll-up at the hour's end.
 * Peaks, capacity, refused people and demand are the largest of the minutes, seat time and counts
 * their sums. People are the most of any minute: a lower bound (the exact count comes with the
 * roll-up, from the per-person days).
 */
public final class UsageRollup {

    private UsageRollup() {
    }

    /** Minute rows of one pool grouped into rows of {@code step}, in time order. */
    public static List<UsageRow> of(UsageRow.Step step, PoolKey pool, List<UsageRow> minutes) {
        Map<Long, List<UsageRow>> byPeriod = new TreeMap<>();
        for (UsageRow m : minutes) {
            byPeriod.computeIfAbsent(Math.floorDiv(m.start(), step.millis()) * step.millis(), k -> new ArrayList<>()).add(m);
        }
        List<UsageRow> out = new ArrayList<>();
        byPeriod.forEach((start, parts) -> {
            int peak = 0;
            long seatMs = 0;
            int capacity = 0;
            int grants = 0;
            int noSeats = 0;
            int notEntitled = 0;
            int notLicensed = 0;
            int users = 0;
            int refused = 0;
            int demand = 0;
            for (UsageRow r : parts) {
                peak = Math.max(peak, r.peak());
                seatMs += r.seatMs();
                capacity = Math.max(capacity, r.capacity());
                grants += r.grants();
                noSeats += r.deniedNoSeats();
                notEntitled += r.deniedNotEntitled();
                notLicensed += r.deniedNotLicensed();
                users = Math.max(users, r.distinctUsers());
                refused = Math.max(refused, r.refusedUsers());
                demand = Math.max(demand, r.demandPeak());
            }
            out.add(new UsageRow(step, pool, start, peak, seatMs, capacity, grants, noSeats, notEntitled, notLicensed, users, refused, demand));
        });
        return out;
    }
}
