package dev.usher.server.http;

import io.javalin.http.Context;
import org.slf4j.MDC;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One id per request, so a person who reports a refusal and the administrator reading the log mean
 * the same request: taken from the client's {@code X-Request-Id} when it is sane, generated
 * otherwise; echoed in the response header, the access log line and every problem body.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** The key under which log lines written while the request runs carry the id (SLF4J MDC). */
    public static final String MDC_KEY = "requestId";
    private static final String ATTRIBUTE = "usher.requestId";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    /** Gives the request its id (before any handler runs). */
    public static void assign(Context ctx) {
        String id = ctx.header(HEADER);
        if (!sane(id)) {
            // Not a secret, just unique enough to find one line among millions: no SecureRandom on the hot path.
            id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        }
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        MDC.put(MDC_KEY, id);
    }

    /** The request's id, or null before {@link #assign}. */
    public static String of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /** Printable, bounded, no spaces or quotes: safe to echo in a header, a log line and JSON. */
    static boolean sane(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=' || c == '@';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
