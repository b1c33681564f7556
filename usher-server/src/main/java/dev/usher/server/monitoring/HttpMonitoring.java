package dev.usher.server.monitoring;

import dev.usher.server.http.ApiProblem;
import dev.usher.server.http.RequestIds;
import dev.usher.server.http.openapi.ApiDescription;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What the HTTP server does for monitoring on every request (a request id; one timer update; an
 * access-log line when configured) and the routes that expose it: {@code GET /metrics} and
 * {@code GET /openapi.json}.
 */
public final class HttpMonitoring {

    /** The access log's logger name: one line per request (or per refused/failed one). */
    public static final String ACCESS_LOGGER = "usher.access";
    private static final Logger ACCESS = LoggerFactory.getLogger(ACCESS_LOGGER);
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final UsherMetrics metrics;
    private final MonitoringConfig config;
    private final java.util.function.Supplier<ApiDescription> load;
    private ApiDescription api;

    /**
     * {@code load} runs on the first {@code GET /openapi.json}, not at start: reading the YAML description
     * loads a YAML parser that nothing else needs, a few hundred ms before the first answer
     * ({@code ApiDescriptionTest} reads it in every build, so a broken file still fails there).
     */
    public HttpMonitoring(UsherMetrics metrics, MonitoringConfig config, java.util.function.Supplier<ApiDescription> load) {
        this.metrics = metrics;
        this.config = config;
        this.load = load;
    }

    private synchronized ApiDescription api() {
        if (api == null) {
            api = load.get();
        }
        return api;
    }

    /** Installs the request hooks and routes into a Javalin configuration (before the API's routes). */
    public Consumer<JavalinConfig> installer() {
        return javalin -> {
            javalin.routes.before(RequestIds::assign);
            javalin.requestLogger.http(this::answered);
            javalin.routes.get("/metrics", this::metrics);
            javalin.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(api().json()));
        };
    }

    private void answered(Context ctx, Float ms) {
        Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
        int status = ctx.statusCode();
        String method = dev.usher.server.http.Methods.label(ctx.req().getMethod());
        metrics.request(method, endpoint == null ? null : endpoint.path, status, (long) (ms * 1_000_000f));
        if (config.accessLog() == MonitoringConfig.AccessLog.ALL
                || (config.accessLog() == MonitoringConfig.AccessLog.ERRORS && status >= 400)) {
            String id = RequestIds.of(ctx);
            if (id != null) {
                MDC.put(RequestIds.MDC_KEY, id);
            }
            String duration = String.format(Locale.ROOT, "%.1f", ms);
            // The sentence for people; the same facts as fields for JSON logs (--log-format json).
            ACCESS.atLevel(status >= 500 ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO)
                    .addKeyValue("method", method)
                    .addKeyValue("path", ctx.path())
                    .addKeyValue("route", endpoint == null ? null : endpoint.path)
                    .addKeyValue("status", status)
                    .addKeyValue("durationMs", ms)
                    .addKeyValue("remote", ctx.ip())
                    .log("{} {} {} {} ms from {}", method, ctx.path(), status, duration, ctx.ip());
        }
        MDC.remove(RequestIds.MDC_KEY);
    }

    private void metrics(Context ctx) {
        if (config.metricsToken() != null && !matches(ctx.header("Authorization"), "Bearer " + config.metricsToken())) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"usher-metrics\"");
            throw new ApiProblem(401, "unauthenticated", "Metrics token required",
                    "this server protects /metrics: send 'Authorization: Bearer <metrics token>' (the metrics.token / USHER_METRICS_TOKEN it was started with)");
        }
        ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape());
    }

    private static boolean matches(String given, String expected) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
