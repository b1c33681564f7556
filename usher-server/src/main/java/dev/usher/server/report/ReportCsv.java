package dev.usher.server.report;

import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;
import dev.usher.server.report.ReportViews.UsageView;
import dev.usher.server.report.ReportViews.UserDayView;

import java.util.Arrays;
import java.util.List;

/** The CSV of each report: one writer for the API and the console's download links. */
public final class ReportCsv {

    private ReportCsv() {
    }

    public static String usage(List<UsageRow> rows) {
        StringBuilder b = new StringBuilder(Csv.line(List.of("product", "feature", "start", "end", "peak_in_use", "average_in_use",
                "capacity", "grants", "denied_no_seats", "denied_not_entitled", "denied_not_licensed", "distinct_users",
                "refused_users", "demand_peak")));
        for (UsageRow row : rows) {
            UsageView v = UsageView.of(row);
            b.append(Csv.line(List.of(v.product(), v.feature(), v.start().toString(), v.end().toString(), v.peakInUse(),
                    v.averageInUse(), v.capacity(), v.grants(), row.deniedNoSeats(), row.deniedNotEntitled(),
                    row.deniedNotLicensed(), v.distinctUsers(), v.refusedUsers(), v.demandPeak())));
        }
        return b.toString();
    }

    public static String denials(List<SeatEvent> events) {
        StringBuilder b = new StringBuilder(Csv.line(List.of("at", "product", "feature", "user", "host", "session_id",
                "reason", "detail")));
        for (SeatEvent e : events) {
            b.append(Csv.line(Arrays.asList(e.at().toString(), e.pool().product(), e.pool().feature(), e.user(), e.host(),
                    e.sessionId(), e.reason(), e.detail())));
        }
        return b.toString();
    }

    public static String users(List<UserDay> userDays) {
        List<UserDayView> days = userDays.stream().map(UserDayView::of).toList();
        StringBuilder b = new StringBuilder(Csv.line(List.of("day", "user", "product", "feature", "sessions", "hosts",
                "seat_hours", "hours")));
        for (UserDayView d : days) {
            b.append(Csv.line(List.of(d.day(), d.user(), d.product(), d.feature(), d.sessions(), String.join(" ", d.hosts()),
                    d.seatHours(), d.hours().stream().map(String::valueOf).reduce((x, y) -> x + " " + y).orElse(""))));
        }
        return b.toString();
    }
}
