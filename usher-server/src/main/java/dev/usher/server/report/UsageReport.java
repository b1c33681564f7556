package dev.usher.server.report;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.RightSizing;
import dev.usher.core.usage.UsageRollup;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.core.usage.UsageHistory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The usage history as reports read it (the API, the CLI and the console's Reports page): rows per
 * pool and step, per-person days, refusals, and the right-sizing estimate.
 */
public final class UsageReport {

    private final UsageHistory store;
    private final UsageRecorder recorder;
    private final Clock clock;

    public UsageReport(UsageRecorder recorder, Clock clock) {
        this.store = recorder.store();
        this.recorder = recorder;
        this.clock = clock;
    }

    public List<UsageRow> usage(ReportQuery q) {
        return store.rows(q.step(), q.product(), q.feature(), q.from().toEpochMilli(), q.to().toEpochMilli());
    }

    /** Per-person days whose day starts in the period. */
    public List<UserDay> users(ReportQuery q) {
        return store.userDays(q.product(), q.feature(), q.user(), q.from().toEpochMilli(), q.to().toEpochMilli());
    }

    public List<SeatEvent> denials(ReportQuery q, String reason, int limit) {
        return store.denials(q.product(), q.feature(), q.user(), reason, q.from().toEpochMilli(), q.to().toEpochMilli(), limit);
    }

    /**
     * The right-sizing estimate of one pool: from minute rows while the period is within per-minute
     * retention, from hour rows (the busiest minute of each hour) beyond it.
     */
    public RightSizing rightSizing(ReportQuery q) {
        if (q.product() == null || q.feature() == null) {
            throw new IllegalArgumentException("right-sizing is per pool: give product and feature");
        }
        boolean minutes = !q.from().isBefore(clock.instant().minus(recorder.settings().keepMinutes()));
        UsageRow.Step step = minutes ? UsageRow.Step.MINUTE : UsageRow.Step.HOUR;
        List<UsageRow> rows = store.rows(step, q.product(), q.feature(), q.from().toEpochMilli(), q.to().toEpochMilli());
        return RightSizing.of(new PoolKey(q.product(), q.feature()), q.from(), q.to(), rows);
    }

    /**
     * The query a chart of {@code from..to} draws: from where the pool's history begins when the period
     * reaches back further (a new installation fills the chart in its first minutes), at the step that
     * suits the span (minutes up to 6 hours, hours up to 14 days, then days), aligned to that step.
     */
    public ReportQuery chartQuery(String product, String feature, Instant from, Instant to) {
        Long begins = store.historyStart(product, feature);
        Instant start = begins != null && Instant.ofEpochMilli(begins).isAfter(from) && Instant.ofEpochMilli(begins).isBefore(to)
                ? Instant.ofEpochMilli(begins) : from;
        UsageRow.Step step = stepFor(Duration.between(start, to));
        Instant aligned = Instant.ofEpochMilli(Math.floorDiv(start.toEpochMilli(), step.millis()) * step.millis());
        return new ReportQuery(product, feature, null, aligned, to, step);
    }

    /** About 24 to 400 bars: minutes up to 6 hours, hours up to 14 days, then days. */
    public static UsageRow.Step stepFor(Duration span) {
        if (span.compareTo(Duration.ofHours(6)) <= 0) {
            return UsageRow.Step.MINUTE;
        }
        return span.compareTo(Duration.ofDays(14)) <= 0 ? UsageRow.Step.HOUR : UsageRow.Step.DAY;
    }

    /**
     * The rows of a chart: those recorded, and for hours and days the one still running, made from its
     * minutes so far ({@link UsageRollup}), so the chart reaches the present.
     */
    public List<UsageRow> chartRows(ReportQuery q) {
        List<UsageRow> rows = new ArrayList<>(usage(q));
        if (q.step() == UsageRow.Step.MINUTE || q.product() == null || q.feature() == null) {
            return rows;
        }
        long covered = rows.isEmpty() ? q.from().toEpochMilli() : rows.getLast().start() + q.step().millis();
        List<UsageRow> minutes = store.rows(UsageRow.Step.MINUTE, q.product(), q.feature(), Math.max(covered, q.from().toEpochMilli()),
                q.to().toEpochMilli());
        rows.addAll(UsageRollup.of(q.step(), new PoolKey(q.product(), q.feature()), minutes));
        return rows;
    }

    /** The longest period a right-sizing request may cover. */
    public static final Duration MAX_RIGHT_SIZING = Duration.ofDays(800);
}
