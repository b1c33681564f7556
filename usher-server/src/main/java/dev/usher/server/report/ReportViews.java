package dev.usher.server.report;

import dev.usher.core.audit.AuditEntry;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.usage.UsageRow;
import dev.usher.core.usage.UserDay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Report rows as people read them (times as instants, averages and hours rounded, hours of the day
 * listed): one shape for the API's JSON and for the CSV and JSON-lines downloads of the API and the console.
 */
public final class ReportViews {

    private ReportViews() {
    }

    public record UsageView(String product, String feature, Instant start, Instant end, int peakInUse, double averageInUse,
                            int capacity, int grants, Map<String, Integer> denials, int distinctUsers, int refusedUsers,
                            int demandPeak) {
        public static UsageView of(UsageRow r) {
            Map<String, Integer> d = new LinkedHashMap<>();
            d.put(DenyReason.NO_SEATS_AVAILABLE.code(), r.deniedNoSeats());
            d.put(DenyReason.NOT_ENTITLED.code(), r.deniedNotEntitled());
            d.put(DenyReason.SERVER_NOT_LICENSED.code(), r.deniedNotLicensed());
            return new UsageView(r.pool().product(), r.pool().feature(), Instant.ofEpochMilli(r.start()),
                    Instant.ofEpochMilli(r.start() + r.step().millis()), r.peak(), Math.round(r.averageInUse() * 1000) / 1000.0,
                    r.capacity(), r.grants(), d, r.distinctUsers(), r.refusedUsers(), r.demandPeak());
        }
    }

    public record UserDayView(String day, String user, String product, String feature, int sessions, List<String> hosts,
                              double seatHours, List<Integer> hours) {
        public static UserDayView of(UserDay d) {
            List<Integer> hours = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                if ((d.hoursMask() & (1 << h)) != 0) {
                    hours.add(h);
                }
            }
            return new UserDayView(Instant.ofEpochMilli(d.day()).toString().substring(0, 10), d.user(), d.pool().product(),
                    d.pool().feature(), d.sessions(), d.hosts().stream().sorted().toList(),
                    Math.round(d.seatHours() * 1000) / 1000.0, hours);
        }
    }

    public record AuditView(long seq, Instant at, String kind, String type, String actor, String source, String target,
                            String product, String feature, String user, String host, String sessionId, String seatId,
                            String detail, String prevHash, String hash) {
        public static AuditView of(AuditEntry e) {
            return new AuditView(e.seq(), e.at(), e.kind(), e.type(), e.actor(), e.source(), e.target(), e.product(), e.feature(),
                    e.user(), e.host(), e.sessionId(), e.seatId(), e.detail(), e.prevHash(), e.hash());
        }
    }
}
