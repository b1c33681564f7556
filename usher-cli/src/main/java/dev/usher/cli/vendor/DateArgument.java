package dev.usher.cli.vendor;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * The dates of {@code usher vendor issue}. A plain date means whole days in UTC: {@code --starts 2026-01-01}
 * begins at 2026-01-01T00:00:00Z and {@code --expires 2026-12-31} ends at 2027-01-01T00:00:00Z, so the license
 * is valid through the date printed on the contract. A full instant is taken as it is.
 */
final class DateArgument {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

    private DateArgument() {
    }

    /** The instant a license starts: a date's first moment (UTC) or an instant. */
    static Instant start(String text, String option) {
        return parse(text, option, false, false);
    }

    /** The instant a license ends (exclusive), or {@code null} for {@code never}: the day after a date, or an instant. */
    static Instant end(String text, String option) {
        if ("never".equals(text)) {
            return null;
        }
        return parse(text, option, true, true);
    }

    private static Instant parse(String text, String option, boolean dayAfter, boolean neverAllowed) {
        try {
            if (DATE.matcher(text).matches()) {
                LocalDate date = LocalDate.parse(text);
                return (dayAfter ? date.plusDays(1) : date).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "': expected a date YYYY-MM-DD or an instant like"
                    + " 2027-01-01T00:00:00Z" + (neverAllowed ? ", or never" : ""));
        }
    }
}
