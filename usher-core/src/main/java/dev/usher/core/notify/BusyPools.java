package dev.usher.core.notify;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.usage.UsageRow;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pools at or above a share of their capacity for a while, from the per-minute usage history: the
 * latest minutes of a pool, each with seats in use (averaged over the minute) at or above
 * {@code percent}% of its capacity, back to back, for at least {@code minutes} minutes. Every node reads
 * the same minutes, so every node finds the same pools.
 */
public final class BusyPools {

    private BusyPools() {
    }

    /**
     * @param rows  minute rows of any pools, ending at the last minute recorded
     * @param quiet how long before the same pool may be announced again while it stays busy
     */
    public static List<Alert> of(List<UsageRow> rows, int percent, int minutes, Duration quiet, Instant now) {
        Map<PoolKey, List<UsageRow>> byPool = new LinkedHashMap<>();
        for (UsageRow r : rows) {
            if (r.step() == UsageRow.Step.MINUTE) {
                byPool.computeIfAbsent(r.pool(), p -> new ArrayList<>()).add(r);
            }
        }
        List<Alert> out = new ArrayList<>();
        byPool.forEach((pool, list) -> {
            list.sort((a, b) -> Long.compare(a.start(), b.start()));
            int run = 0;
            long expected = list.getLast().start();
            double most = 0;
            for (int i = list.size() - 1; i >= 0; i--) {
                UsageRow r = list.get(i);
                if (r.start() != expected || !busy(r, percent)) {
                    break; // a gap in the minutes, or a quieter one, ends the run
                }
                run++;
                most = Math.max(most, r.averageInUse());
                expected -= UsageRow.Step.MINUTE.millis();
            }
            if (run >= minutes) {
                UsageRow last = list.getLast();
                Instant since = Instant.ofEpochMilli(last.start() - (run - 1) * UsageRow.Step.MINUTE.millis());
                Map<String, String> facts = new LinkedHashMap<>();
                facts.put("pool", pool.toString());
                facts.put("capacity", String.valueOf(last.capacity()));
                facts.put("inUse", String.valueOf(last.peak()));
                facts.put("percent", String.valueOf(percent));
                facts.put("since", since.toString());
                facts.put("minutes", String.valueOf(run));
                out.add(new Alert("pool-busy:" + pool, AlertKind.POOL_BUSY, now,
                        pool + " has been at or above " + percent + "% of its " + last.capacity() + " seats for " + run + " minutes",
                        pool + " has had " + percent + "% or more of its " + last.capacity() + " seats in use every minute since "
                                + ExpiryAlerts.WHEN.format(since) + " (" + run + " minutes; at most " + last.peak() + " in use in the last"
                                + " minute). People may soon be refused. See Reports in the console for the pool's history, and"
                                + " Right-sizing for how many seats would have served everyone.",
                        facts, quiet));
            }
        });
        return out;
    }

    private static boolean busy(UsageRow r, int percent) {
        return r.capacity() > 0 && r.averageInUse() * 100 >= (double) percent * r.capacity();
    }
}
