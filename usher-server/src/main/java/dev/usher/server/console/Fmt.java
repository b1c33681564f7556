package dev.usher.server.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Times as an administrator reads them: local date and time, and "5 min ago". */
public final class Fmt {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private final Clock clock;
    private final ZoneId zone;

    Fmt(Clock clock, ZoneId zone) {
        this.clock = clock;
        this.zone = zone;
    }

    public String time(Instant t) {
        return t == null ? "" : TIME.format(t.atZone(zone));
    }

    public String date(Instant t) {
        return t == null ? "never" : DATE.format(t.atZone(zone));
    }

    /** "just now", "5 min ago", "in 3 days". */
    public String ago(Instant t) {
        if (t == null) {
            return "";
        }
        Duration d = Duration.between(t, clock.instant());
        boolean future = d.isNegative();
        d = d.abs();
        String amount;
        if (d.toSeconds() < 45) {
            return future ? "in a moment" : "just now";
        } else if (d.toMinutes() < 60) {
            amount = Math.max(1, d.toMinutes()) + " min";
        } else if (d.toHours() < 48) {
            amount = d.toHours() + " h";
        } else {
            amount = d.toDays() + " days";
        }
        return future ? "in " + amount : amount + " ago";
    }

    public String zone() {
        return zone.getId();
    }
}
