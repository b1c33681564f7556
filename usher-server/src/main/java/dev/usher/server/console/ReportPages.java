package dev.usher.server.console;

import dev.usher.core.seat.PoolKey;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.RightSizing;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.server.report.ReportCsv;
import dev.usher.server.report.ReportQuery;
import dev.usher.server.report.UsageReport;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reports: usage over time of a pool (chart and table), top users, refusals, the right-sizing estimate, CSV downloads. */
final class ReportPages {

    /** Refusals the denials table pages through at most (the CSV has them all). */
    private static final int MAX_DENIALS = 10_000;
    private static final int TOP_USERS = 10;

    /** The period a report covers: what the picker shows, and the query the report runs. */
    record Period(String code, String fromText, String toText, ReportQuery query, String error) {}

    private final Console console;
    private final UsageReport usage;
    private final SeatService seats;
    private final Clock clock;
    private final ZoneId zone = ZoneId.systemDefault();

    ReportPages(Console console, UsageReport usage, SeatService seats, Clock clock) {
        this.console = console;
        this.usage = usage;
        this.seats = seats;
        this.clock = clock;
    }

    void register(RoutesConfig r) {
        r.get("/reports", console.page(this::page));
        r.get("/reports/usage.csv", console.page((ctx, a) -> csv(ctx, "usage", ReportCsv.usage(usage.usage(period(ctx).query())))));
        r.get("/reports/users.csv", console.page((ctx, a) -> csv(ctx, "usage-users", ReportCsv.users(usage.users(dayQuery(period(ctx).query()))))));
        r.get("/reports/denials.csv", console.page((ctx, a) -> csv(ctx, "denials",
                ReportCsv.denials(usage.denials(period(ctx).query(), null, 100_000)))));
    }

    private static void csv(Context ctx, String name, String body) {
        Console.secure(ctx);
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
        ctx.result(body);
    }

    /** The period asked for (last 24 h by default), with its step; a malformed one is refused with a sentence. */
    private Period period(Context ctx) {
        List<String> pools = pools();
        String pool = ctx.queryParam("pool");
        if (pool == null || pool.isBlank()) {
            pool = pools.isEmpty() ? null : pools.getFirst();
        }
        String product = null;
        String feature = null;
        if (pool != null) {
            int slash = pool.indexOf('/');
            if (slash <= 0) {
                throw new IllegalArgumentException("pool must be product/feature");
            }
            PoolKey key = new PoolKey(pool.substring(0, slash), pool.substring(slash + 1));
            product = key.product();
            feature = key.feature();
        }
        String code = ctx.queryParam("period") == null ? "24h" : ctx.queryParam("period");
        Instant now = clock.instant();
        Instant from;
        Instant to = now;
        String fromText = ctx.queryParam("from") == null ? "" : ctx.queryParam("from").strip();
        String toText = ctx.queryParam("to") == null ? "" : ctx.queryParam("to").strip();
        switch (code) {
            case "1h" -> from = now.minus(Duration.ofHours(1));
            case "24h" -> from = now.minus(Duration.ofHours(24));
            case "7d" -> from = now.minus(Duration.ofDays(7));
            case "30d" -> from = now.minus(Duration.ofDays(30));
            case "custom" -> {
                from = day(fromText, "from");
                to = toText.isEmpty() ? now : day(toText, "to").plus(Duration.ofDays(1)); // "to" includes its day
                if (!from.isBefore(to)) {
                    throw new IllegalArgumentException("The from day must be before the to day.");
                }
                if (Duration.between(from, to).compareTo(Duration.ofDays(800)) > 0) {
                    throw new IllegalArgumentException("A report covers at most 800 days: choose a shorter period.");
                }
            }
            default -> throw new IllegalArgumentException("period must be 1h, 24h, 7d, 30d or custom");
        }
        if (fromText.isEmpty()) {
            fromText = LocalDate.ofInstant(from, zone).toString();
        }
        if (toText.isEmpty()) {
            toText = LocalDate.ofInstant(to, zone).toString();
        }
        // "The last ..." starts where the pool's history begins when that is later, at the step that suits what is left
        // (UsageReport.chartQuery); a period given by its days is drawn as asked.
        ReportQuery q = product == null || "custom".equals(code)
                ? new ReportQuery(product, feature, null, from, to, UsageReport.stepFor(Duration.between(from, to)))
                : usage.chartQuery(product, feature, from, to);
        return new Period(code, fromText, toText, q, null);
    }

    private Instant day(String text, String what) {
        try {
            return LocalDate.parse(text).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("The " + what + " day must be a date like 2026-06-01.");
        }
    }

    /** Per-person rows are per day: whole days that overlap the period. */
    private ReportQuery dayQuery(ReportQuery q) {
        long day = Duration.ofDays(1).toMillis();
        Instant from = Instant.ofEpochMilli(Math.floorDiv(q.from().toEpochMilli(), day) * day);
        return new ReportQuery(q.product(), q.feature(), null, from, q.to(), UsageRow.Step.DAY);
    }

    private List<String> pools() {
        return seats.pools().stream().map(p -> p.key().toString()).sorted().toList();
    }

    private void page(Context ctx, ConsoleSession.Admin a) {
        Fmt f = console.fmt;
        Period period;
        try {
            period = period(ctx);
        } catch (IllegalArgumentException e) {
            ctx.status(422);
            Instant now = clock.instant();
            period = new Period(ctx.queryParam("period") == null ? "24h" : ctx.queryParam("period"), "", "", null, e.getMessage());
            console.render(ctx, "reports.jte", new Pages.Reports(console.shell(a, "Reports", "reports"), pools(),
                    ctx.queryParam("pool") == null ? "" : ctx.queryParam("pool"), period.code(), LocalDate.ofInstant(now.minus(Duration.ofDays(1)), zone).toString(),
                    LocalDate.ofInstant(now, zone).toString(), e.getMessage(), null, "", List.of(), List.of(), List.of(), null,
                    new Pager(1, Pager.SIZE, 0, "/reports", ""), "", null));
            return;
        }
        ReportQuery q = period.query();
        String pool = q.product() == null ? "" : q.product() + "/" + q.feature();
        String params = "pool=" + Console.encode(pool) + "&period=" + Console.encode(period.code())
                + ("custom".equals(period.code()) ? "&from=" + Console.encode(period.fromText()) + "&to=" + Console.encode(period.toText()) : "");
        if (q.product() == null) {
            console.render(ctx, "reports.jte", new Pages.Reports(console.shell(a, "Reports", "reports"), pools(), "", period.code(),
                    period.fromText(), period.toText(), null, null, q.step().code(), List.of(), List.of(), List.of(), null,
                    new Pager(1, Pager.SIZE, 0, "/reports", params), params, null));
            return;
        }
        List<UsageRow> rows = usage.chartRows(q);
        String chart = UsageChart.svg(pool, q.from(), q.to(), rows, f);
        List<Pages.UsagePoint> points = rows.stream().map(r -> new Pages.UsagePoint(f.time(Instant.ofEpochMilli(r.start())), r.capacity(),
                r.peak(), String.format(java.util.Locale.ROOT, "%.1f", r.averageInUse()), r.grants(),
                r.deniedNoSeats() + r.deniedNotEntitled() + r.deniedNotLicensed(), r.distinctUsers())).toList();

        // Top users: seat hours over the days of the period.
        Map<String, double[]> byUser = new HashMap<>();
        for (UserDay d : usage.users(dayQuery(q))) {
            double[] v = byUser.computeIfAbsent(d.user(), u -> new double[3]);
            v[0] += d.seatHours();
            v[1] += d.sessions();
            v[2] += 1;
        }
        List<Pages.TopUser> top = byUser.entrySet().stream()
                .sorted((x, y) -> Double.compare(y.getValue()[0], x.getValue()[0]) != 0 ? Double.compare(y.getValue()[0], x.getValue()[0])
                        : x.getKey().compareTo(y.getKey()))
                .limit(TOP_USERS)
                .map(e -> new Pages.TopUser(e.getKey(), String.format(java.util.Locale.ROOT, "%.1f", e.getValue()[0]),
                        (int) e.getValue()[1], (int) e.getValue()[2]))
                .toList();

        // Refusals, newest first, one page at a time.
        int requested = Pager.clamp(ctx.queryParam("page"), MAX_DENIALS, Pager.SIZE);
        List<SeatEvent> denials = usage.denials(q, null, MAX_DENIALS);
        List<SeatEvent> newest = new ArrayList<>(denials);
        newest.sort((x, y) -> y.at().compareTo(x.at()));
        int total = denials.size();
        Pager pager = new Pager(Pager.clamp(String.valueOf(requested), total, Pager.SIZE), Pager.SIZE, total, "/reports", params);
        List<Pages.DenialRow> denialRows = newest.subList(Math.min(pager.offset(), total), pager.last()).stream()
                .map(e -> new Pages.DenialRow(f.time(e.at()), e.user(), e.host() == null ? "" : e.host(), e.reason(),
                        e.detail() == null ? "" : e.detail())).toList();

        Pages.Estimate estimate = null;
        String estimateError = null;
        try {
            RightSizing rs = usage.rightSizing(q);
            estimate = new Pages.Estimate(rs.estimate(), rs.owned(), rs.servesAll(), rs.serves99(), rs.serves95(), rs.unit(), rs.periods());
        } catch (IllegalArgumentException e) {
            estimateError = e.getMessage();
        }
        console.render(ctx, "reports.jte", new Pages.Reports(console.shell(a, "Reports", "reports"), pools(), pool, period.code(),
                period.fromText(), period.toText(), null, chart, q.step().code(), points, top, denialRows, estimate, pager,
                params, estimateError));
    }
}
