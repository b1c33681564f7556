package dev.usher.server.http;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.util.Set;

/**
 * What happens in Jetty before Javalin sees a request: headers that would change the method are
 * dropped, and the errors Jetty answers itself (an undecodable path, a URI or headers over the limit,
 * CONNECT, ...) are problem+json in UTF-8 like every other error, not Jetty's HTML page.
 */
final class JettyGuards {

    /**
     * Javalin routes by {@code X-HTTP-Method-Override} when present, so a GET could delete a license past
     * a proxy that lets only GET through. These headers change nothing here: the request line's method counts.
     */
    static final Set<String> METHOD_OVERRIDES = Set.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private static final JsonMapper JSON = JsonCodec.mapper();
    private static final String PROBLEM_JSON = "application/problem+json;charset=utf-8";

    private JettyGuards() {
    }

    static void install(JavalinConfig config) {
        config.jetty.modifyServer(server -> {
            server.insertHandler(new IgnoreMethodOverrides());
            server.setErrorHandler(new ProblemErrors());
        });
        config.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new ProblemErrors()));
    }

    /** The problem for an error Jetty raised itself, in the API's words. */
    static ApiProblem problem(int status, String method, String jettyReason) {
        String reason = jettyReason == null || jettyReason.isBlank() ? "" : " (" + jettyReason + ")";
        return switch (status) {
            case 400 -> "CONNECT".equals(method)
                    ? new ApiProblem(400, "bad-request", "Bad request", "CONNECT is not served here: this is not a proxy")
                    : new ApiProblem(400, "bad-request", "Bad request", "the request could not be read" + reason
                    + ": check the path's percent-encoding (no %00, no encoded '/' or '..', '%' followed by two hex digits) and the headers");
            case 405 -> new ApiProblem(405, "method-not-allowed", "Method not allowed", method + " is not allowed here");
            case 413 -> new ApiProblem(413, "request-too-large", "Request too large", "the request body is larger than the limit" + reason);
            case 414 -> new ApiProblem(414, "uri-too-long", "URI too long",
                    "the request line is longer than the limit of 8 KB: send long values in the body");
            case 431 -> new ApiProblem(431, "headers-too-large", "Request headers too large",
                    "the request headers are larger than the limit of 8 KB altogether");
            case 505 -> new ApiProblem(505, "http-version-not-supported", "HTTP version not supported",
                    "this server speaks HTTP/1.1 and HTTP/1.0");
            default -> new ApiProblem(status, "http-" + status, "HTTP " + status, "the request failed with status " + status + reason);
        };
    }

    static byte[] bytes(ApiProblem p) {
        return JSON.writeValueAsBytes(p.body());
    }

    /** Removes the method-override headers from every request. */
    private static final class IgnoreMethodOverrides extends Handler.Wrapper {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            HttpFields headers = request.getHeaders();
            if (METHOD_OVERRIDES.stream().noneMatch(headers::contains)) {
                return super.handle(request, response, callback);
            }
            HttpFields.Mutable kept = HttpFields.build(headers);
            METHOD_OVERRIDES.forEach(kept::remove);
            HttpFields without = kept.asImmutable();
            return super.handle(new Request.Wrapper(request) {
                @Override
                public HttpFields getHeaders() {
                    return without;
                }
            }, response, callback);
        }
    }

    /** Jetty's own error answers as problem+json, for every method (Jetty's default writes a body for GET, POST and HEAD only). */
    private static final class ProblemErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus() <= 0 ? 500 : response.getStatus();
            Object message = request.getAttribute(ERROR_MESSAGE);
            ApiProblem p = problem(status, request.getMethod(), message == null ? null : message.toString());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
            response.getHeaders().put(new HttpField(HttpHeader.CACHE_CONTROL, "no-store"));
            response.write(true, ByteBuffer.wrap(bytes(p)), callback);
            return true;
        }

        /** Errors found while parsing, before there is a request (414, 431, a broken request line). */
        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
            return ByteBuffer.wrap(bytes(problem(status, null, reason)));
        }
    }
}
