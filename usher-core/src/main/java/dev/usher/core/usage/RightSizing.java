package dev.usher.core.usage;

import dev.usher.core.seat.PoolKey;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;

/**
 * An estimate of the seats a pool needed over a period, from its usage rows: each period's demand
 * is the seats in use at its busiest plus the people refused for want of a seat (added back, as if
 * they had been served), and the seats that would have served everyone, 99% and 95% of the periods
 * are percentiles of that demand (nearest rank: the smallest number at least that share of periods
 * did not exceed).
 *
 * <p>Refused people count only when they were refused for want of a seat (see
 * {@link UsageTimeline#forWantOfASeat}): someone a {@code limit} rule turned away while seats were free
 * would not have been served by more seats.
 *
 * <p>It is an estimate: a refused person might have given up, retried later or held a seat for
 * longer than a minute, and minutes before usage history began are not counted.
 *
 * @param unit          "minute" for minute rows, "hour" when the period is older than minute retention
 * @param periods       how many periods (minutes or hours) the estimate rests on
 * @param owned         the largest licensed capacity in the period
 * @param busiestStart  the start of the busiest period (largest demand; the earliest of equals)
 * @param busiestUsed   seats in use at its busiest
 * @param busiestRefused people refused in it
 */
public record RightSizing(PoolKey pool, Instant from, Instant to, String unit, int periods, int owned,
                          Instant busiestStart, int busiestUsed, int busiestRefused,
                          int servesAll, int serves99, int serves95, String estimate) {

    /** What counts as demand, said in every estimate: a limit rule's refusals are the rule working, not a shortage. */
    public static final String DEMAND = "Only people refused while every seat was in use count as demand;"
            + " refusals by a limit rule while seats were free do not.";

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public static RightSizing of(PoolKey pool, Instant from, Instant to, List<UsageRow> rows) {
        String unit = rows.isEmpty() || rows.getFirst().step() == UsageRow.Step.MINUTE ? "minute" : rows.getFirst().step().code();
        if (rows.isEmpty()) {
            return new RightSizing(pool, from, to, unit, 0, 0, null, 0, 0, 0, 0, 0,
                    "Estimate: there is no usage history for " + pool.product() + " " + pool.feature() + " in this period.");
        }
        int[] demand = new int[rows.size()];
        int owned = 0;
        UsageRow busiest = rows.getFirst();
        for (int i = 0; i < rows.size(); i++) {
            UsageRow r = rows.get(i);
            demand[i] = r.demandPeak();
            owned = Math.max(owned, r.capacity());
            if (r.demandPeak() > busiest.demandPeak()) {
                busiest = r;
            }
        }
        Arrays.sort(demand);
        int all = demand[demand.length - 1];
        int p99 = percentile(demand, 99);
        int p95 = percentile(demand, 95);
        String sentence = "Estimate: you own " + owned + "; the busiest " + unit + " (" + WHEN.format(Instant.ofEpochMilli(busiest.start()))
                + ") used " + busiest.peak() + " and refused " + busiest.refusedUsers() + "; "
                + all + " would have served everyone; " + p99 + " would have served 99% of " + unit + "s; "
                + p95 + " would have served 95% of " + unit + "s (" + demand.length + " " + unit + "s). " + DEMAND;
        return new RightSizing(pool, from, to, unit, demand.length, owned, Instant.ofEpochMilli(busiest.start()),
                busiest.peak(), busiest.refusedUsers(), all, p99, p95, sentence);
    }

    /** Nearest rank: the smallest value that at least {@code p}% of the (sorted) values do not exceed. */
    static int percentile(int[] sorted, int p) {
        int rank = (int) ((p * (long) sorted.length + 99) / 100); // ceil(p% of n) in integers
        return sorted[Math.max(0, rank - 1)];
    }
}
