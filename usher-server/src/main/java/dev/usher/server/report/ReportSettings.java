package dev.usher.server.report;

import java.time.Duration;

/**
 * How long usage history is kept per step, whether the audit trail is recorded, and how often the
 * background recorders run.
 *
 * @param keepMinutes  per-minute rows (default 35 days)
 * @param keepHours    per-hour rows and per-person days (default 2 years)
 * @param keepDays     per-day rows; null keeps them forever (the default)
 * @param audit        chain admin actions and seat events into the audit trail (default on)
 * @param interval     how often usage is rolled up and the audit trail appended (default 5 s)
 */
public record ReportSettings(Duration keepMinutes, Duration keepHours, Duration keepDays, boolean audit, Duration interval) {

    public static final ReportSettings DEFAULT = new ReportSettings(Duration.ofDays(35), Duration.ofDays(730), null, true,
            Duration.ofSeconds(5));

    public ReportSettings {
        if (keepMinutes == null || keepMinutes.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("per-minute usage must be kept at least 1 day");
        }
        if (keepHours == null || keepHours.compareTo(keepMinutes) < 0) {
            throw new IllegalArgumentException("per-hour usage must be kept at least as long as per-minute usage");
        }
        if (keepDays != null && keepDays.compareTo(keepHours) < 0) {
            throw new IllegalArgumentException("per-day usage must be kept at least as long as per-hour usage (or forever)");
        }
        if (interval == null || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the report interval must be positive");
        }
    }

    public ReportSettings withAudit(boolean on) {
        return new ReportSettings(keepMinutes, keepHours, keepDays, on, interval);
    }

    public ReportSettings withRetention(Duration minutes, Duration hours, Duration days) {
        return new ReportSettings(minutes, hours, days, audit, interval);
    }

    public ReportSettings withInterval(Duration i) {
        return new ReportSettings(keepMinutes, keepHours, keepDays, audit, i);
    }
}
