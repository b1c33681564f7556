package dev.usher.server.notify;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How alerts write an instant, worked out independently of the code under test. */
final class ExpiryFormat {

    private ExpiryFormat() {
    }

    static String of(Instant t) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC).format(t) + " UTC";
    }
}
