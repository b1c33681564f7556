package dev.usher.server.http;

import io.javalin.http.Context;

import java.util.Locale;

/**
 * Which bodies the API takes: JSON (UTF-8), and license and key files as {@code text/plain} on
 * {@code POST /api/v1/licenses} and {@code POST /api/v1/trusted-keys} (admin routes: credentials required). Anything else is 415 before the request is looked at. The point is
 * open mode, where the client endpoints need no credentials: a web page may send a cross-site POST or
 * PUT without asking the browser's permission (no CORS preflight) only as {@code text/plain}, a form
 * or multipart, and all of those are refused here.
 */
final class MediaTypes {

    static final String JSON = "application/json";

    private MediaTypes() {
    }

    /**
     * For every {@code /api/v1} request: a body's declared type must be one the API reads. A request
     * without a Content-Type passes here (a heartbeat has no body); endpoints that read a body then
     * require JSON through {@link JsonCodec#read}.
     */
    static void refuseOthers(Context ctx) {
        String raw = ctx.header("Content-Type");
        if (raw == null || raw.isBlank()) {
            return;
        }
        String type = mediaType(raw);
        boolean licenseText = type.equals("text/plain") && ctx.method().name().equals("POST")
                && (ctx.path().equals("/api/v1/licenses") || ctx.path().equals("/api/v1/trusted-keys")); // files as they are
        if (!(type.equals(JSON) && utf8(raw)) && !licenseText) {
            throw unsupported(raw);
        }
    }

    /** The body must be declared as JSON (in UTF-8, the only encoding of JSON). */
    static void requireJson(Context ctx) {
        String raw = ctx.header("Content-Type");
        if (raw == null || raw.isBlank() || !mediaType(raw).equals(JSON) || !utf8(raw)) {
            throw unsupported(raw);
        }
    }

    static boolean isJson(Context ctx) {
        String raw = ctx.header("Content-Type");
        return raw != null && mediaType(raw).equals(JSON);
    }

    private static ApiProblem unsupported(String raw) {
        return new ApiProblem(415, "unsupported-media-type", "Unsupported media type",
                "send the body as JSON with 'Content-Type: application/json'"
                        + (raw == null || raw.isBlank() ? " (the request had no Content-Type)" : " (got '" + clip(raw) + "')"))
                .with("accepted", JSON);
    }

    private static String mediaType(String raw) {
        int semicolon = raw.indexOf(';');
        return (semicolon < 0 ? raw : raw.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static boolean utf8(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT).replace(" ", "");
        int at = lower.indexOf("charset=");
        if (at < 0) {
            return true;
        }
        String charset = lower.substring(at + "charset=".length()).split(";")[0].replace("\"", "");
        return charset.equals("utf-8") || charset.equals("utf8");
    }

    private static String clip(String s) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "...";
    }
}
