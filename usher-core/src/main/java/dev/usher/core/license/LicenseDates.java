package dev.usher.core.license;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * License dates as the vendor wrote them. A license stores instants and its end is exclusive: {@code usher vendor
 * issue --expires 2027-12-31} stores {@code 2028-01-01T00:00:00Z}, valid through the last moment of 2027-12-31.
 * Shown raw that reads as "until 2028-01-01", a day later than the contract says. So an end at midnight UTC is
 * shown as the day before (the last day it is valid), a start at midnight UTC as its day, and any other instant
 * exactly as it is (license dates are UTC days, never shifted into a local time zone).
 */
public final class LicenseDates {

    private LicenseDates() {
    }

    /** The first day ({@code 2027-01-01}) or instant it is valid from. */
    public static String validFrom(Instant starts) {
        if (starts == null) {
            return null;
        }
        return atMidnight(starts) ? day(starts).toString() : starts.toString();
    }

    /** The last day it is valid ({@code 2027-12-31}), the instant it ends, or {@code "never"}. */
    public static String validThrough(Instant expires) {
        if (expires == null) {
            return "never";
        }
        return atMidnight(expires) ? day(expires).minusDays(1).toString() : expires.toString();
    }

    /** "through 2027-12-31", "until 2027-12-31T15:00:00Z" or "never expires": for sentences. */
    public static String phrase(Instant expires) {
        if (expires == null) {
            return "never expires";
        }
        return (atMidnight(expires) ? "through " : "until ") + validThrough(expires);
    }

    private static boolean atMidnight(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalTime().toNanoOfDay() == 0;
    }

    private static LocalDate day(Instant t) {
        return t.atOffset(ZoneOffset.UTC).toLocalDate();
    }
}
