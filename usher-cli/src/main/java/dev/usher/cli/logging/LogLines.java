package dev.usher.cli.logging;

import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.Level;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * Where log events become text: one line per event on standard error, either for people
 * ({@code 2026-11-28T18:00:00.123+0000 [INFO] HttpApi - message requestId=...}, the look slf4j-simple
 * had) or as one JSON object ({@code {"time":...,"level":...,"logger":...,"message":...,"requestId":...}}
 * plus the event's key-value pairs). Chosen with {@code --log-format} or {@code USHER_LOG_FORMAT}.
 */
public final class LogLines {

    private static final DateTimeFormatter HUMAN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ").withZone(ZoneOffset.UTC);

    private static volatile LogFormat format = initialFormat();
    private static volatile PrintStream out = System.err;

    private LogLines() {
    }

    private static LogFormat initialFormat() {
        String env = System.getenv("USHER_LOG_FORMAT");
        try {
            return env == null || env.isBlank() ? LogFormat.HUMAN : LogFormat.fromCode(env);
        } catch (IllegalArgumentException e) {
            return LogFormat.HUMAN; // usher serve refuses the value with a message; other commands just log as usual
        }
    }

    public static void setFormat(LogFormat f) {
        format = f;
    }

    public static LogFormat format() {
        return format;
    }

    /** Sends lines elsewhere (tests); {@code null} restores standard error. */
    public static void redirect(PrintStream stream) {
        out = stream == null ? System.err : stream;
    }

    static void write(long millis, Level level, String logger, String thread, String message,
                      List<KeyValuePair> pairs, Throwable thrown) {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        String line = format == LogFormat.JSON
                ? json(millis, level, logger, thread, message, mdc, pairs, thrown)
                : human(millis, level, logger, message, mdc, thrown);
        // One print call per event, so lines of concurrent threads never interleave.
        out.print(line);
        out.flush();
    }

    private static String human(long millis, Level level, String logger, String message, Map<String, String> mdc, Throwable thrown) {
        StringBuilder b = new StringBuilder(128);
        b.append(HUMAN_TIME.format(Instant.ofEpochMilli(millis))).append(" [").append(level).append("] ")
                .append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ").append(message);
        // The context (the request id) follows the sentence; structured fields are for the JSON format.
        if (mdc != null) {
            mdc.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        }
        b.append(System.lineSeparator());
        if (thrown != null) {
            StringWriter w = new StringWriter();
            thrown.printStackTrace(new PrintWriter(w));
            b.append(w);
        }
        return b.toString();
    }

    private static String json(long millis, Level level, String logger, String thread, String message,
                               Map<String, String> mdc, List<KeyValuePair> pairs, Throwable thrown) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"time\":");
        string(b, Instant.ofEpochMilli(millis).toString());
        b.append(",\"level\":");
        string(b, level.toString());
        b.append(",\"logger\":");
        string(b, logger);
        b.append(",\"thread\":");
        string(b, thread);
        b.append(",\"message\":");
        string(b, message);
        if (mdc != null) {
            mdc.forEach((k, v) -> {
                b.append(',');
                string(b, k);
                b.append(':');
                string(b, v);
            });
        }
        if (pairs != null) {
            for (KeyValuePair p : pairs) {
                b.append(',');
                string(b, p.key);
                b.append(':');
                value(b, p.value);
            }
        }
        if (thrown != null) {
            StringWriter w = new StringWriter();
            thrown.printStackTrace(new PrintWriter(w));
            b.append(",\"exception\":");
            string(b, w.toString());
        }
        return b.append('}').append('\n').toString();
    }

    private static void value(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            b.append(v);
        } else if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            b.append(n);
        } else {
            string(b, String.valueOf(v));
        }
    }

    /** A JSON string: quotes, backslashes and every control character escaped, so an event is always one line. */
    static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
