package dev.usher.server.report;

import dev.usher.core.license.Entitlement;
import dev.usher.core.usage.UsageRow;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The parameters every report takes, checked: a pool (or part of one), a person, a period
 * {@code from <= t < to} and a step. Anything malformed is refused with a sentence saying what is
 * expected ({@link IllegalArgumentException}, which the API answers as validation-failed), so the
 * HTTP API and the console read parameters the same way.
 */
public record ReportQuery(String product, String feature, String user, Instant from, Instant to, UsageRow.Step step) {

    /** The longest period a step may cover in one request (rows per pool stay in the tens of thousands). */
    public static Duration maxRange(UsageRow.Step step) {
        return switch (step) {
            case MINUTE -> Duration.ofDays(7);
            case HOUR -> Duration.ofDays(800);
            case DAY -> Duration.ofDays(36_600);
        };
    }

    /** The period used when a request names no {@code from}. */
    static Duration defaultRange(UsageRow.Step step) {
        return switch (step) {
            case MINUTE -> Duration.ofHours(1);
            case HOUR -> Duration.ofDays(1);
            case DAY -> Duration.ofDays(30);
        };
    }

    /**
     * Reads {@code product, feature, user, from, to, step} from {@code param} (null when absent).
     *
     * @param defaultStep the step when none is given
     * @param maxRange    the longest period allowed whatever the step (null: the step's {@link #maxRange})
     */
    public static ReportQuery parse(Function<String, String> param, Instant now, UsageRow.Step defaultStep, Duration maxRange) {
        return parse(param, now, defaultStep, maxRange, null);
    }

    /** As above, with the period used when no {@code from} is given (null: the step's). */
    public static ReportQuery parse(Function<String, String> param, Instant now, UsageRow.Step defaultStep, Duration maxRange,
                                    Duration defaultRange) {
        String product = name(param.apply("product"), "product");
        String feature = name(param.apply("feature"), "feature");
        String user = param.apply("user");
        if (user != null && (user.isBlank() || user.length() > 256 || user.chars().anyMatch(Character::isISOControl))) {
            throw new IllegalArgumentException("user must be a user name of 1-256 printable characters");
        }
        String stepText = param.apply("step");
        UsageRow.Step step = stepText == null ? defaultStep : UsageRow.Step.fromCode(stepText);
        Instant to = param.apply("to") == null ? now : time(param.apply("to"), "to");
        Instant from = param.apply("from") == null ? to.minus(defaultRange != null ? defaultRange : defaultRange(step)) : time(param.apply("from"), "from");
        if (from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to + "): give the earlier time as from");
        }
        Duration max = maxRange != null ? maxRange : maxRange(step);
        if (Duration.between(from, to).compareTo(max) > 0) {
            throw new IllegalArgumentException("the period from " + from + " to " + to + " is longer than the " + max.toDays()
                    + " days allowed" + (maxRange == null ? " at step " + step.code() + ": use a larger step or a shorter period" : ""));
        }
        return new ReportQuery(product, feature, user == null ? null : user.strip(), from, to, step);
    }

    private static String name(String value, String what) {
        if (value == null) {
            return null;
        }
        if (!Entitlement.isValidName(value)) {
            throw new IllegalArgumentException(what + " must be 1-64 characters of A-Z a-z 0-9 . _ - (got '" + printable(value) + "')");
        }
        return value;
    }

    /** A date (midnight UTC) or a time with an offset; years 2000-2999 (a typo is not a query for the year 20026). */
    public static Instant time(String value, String what) {
        Instant t;
        try {
            t = value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a date (2026-06-01) or a time with a zone (2026-06-01T12:00:00Z);"
                    + " got '" + printable(value) + "'");
        }
        if (t.isBefore(Instant.parse("2000-01-01T00:00:00Z")) || !t.isBefore(Instant.parse("3000-01-01T00:00:00Z"))) {
            throw new IllegalArgumentException(what + " must be between the years 2000 and 2999 (got " + value + ")");
        }
        return t;
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
