package dev.usher.server.http;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.UserNames;
import dev.usher.server.auth.ldap.DirectoryLink;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.PasswordDirectory;
import dev.usher.server.auth.oidc.OidcSignIn;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.seat.SeatViews;
import dev.usher.core.seat.SessionConflictException;
import dev.usher.server.license.LicenseService;
import dev.usher.server.license.TrustedKeyDirectories;
import dev.usher.server.license.TrustedKeyService;
import dev.usher.server.seat.SeatService;
import dev.usher.store.Database;
import dev.usher.store.StoreException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson3;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.util.List;
import java.util.Map;

/**
 * The HTTP server: routes, the problem+json error mapping, limits. Every error leaves the server as
 * {@code application/problem+json} with a stable type, whoever raised it (our code, Javalin, Jetty).
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    /** What the API needs from the rest of the server. */
    public record Parts(SeatService seats, SeatViews views, LicenseService licenses, RequestAuth auth,
                        IdentityService identity, DirectoryLink directory, OidcSignIn oidc, Database db, String version,
                        long heartbeatSeconds, long maxRequestBytes,
                        dev.usher.server.cluster.ClusterView cluster, dev.usher.server.report.UsageReport usage,
                        dev.usher.server.report.AuditRecorder audit, StorageWatch storage,
                        dev.usher.server.auth.HostHistory hostHistory, dev.usher.server.auth.StrayPeople strayPeople,
                        dev.usher.server.notify.Notifications notifications) {}

    /** Every route registered on {@code app} as "METHOD path", sorted (for the API description and its tests). */
    public static List<String> routes(Javalin app) {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(pe -> List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(pe.endpoint.method.name()))
                .map(pe -> pe.endpoint.method.name() + " " + pe.endpoint.path).sorted().toList();
    }

    /** {@code borrowPublicKey}: base64 X.509 Ed25519 key that verifies this installation's borrow tokens. */
    record Installation(String installationId, String version, String buildTime, List<String> trustedKeyIds,
                        String borrowPublicKey) {}

    private HttpApi() {
    }

    public static Javalin create(Parts parts) {
        return create(parts, r -> { }, config -> { });
    }

    /**
     * @param moreRoutes routes registered by other parts of the server (reports, ...), under the same error mapping
     * @param setup      installed first: where and how the server listens (connectors, TLS, graceful stop; see
     *                   {@link Connectors}) and monitoring (request ids, metrics, the API description)
     */
    public static Javalin create(Parts parts, java.util.function.Consumer<io.javalin.config.RoutesConfig> moreRoutes,
                                 java.util.function.Consumer<io.javalin.config.JavalinConfig> setup) {
        JsonMapper json = JsonCodec.mapper();
        ClientRoutes client = new ClientRoutes(parts.seats(), parts.licenses(), parts.identity(), parts.auth(), parts.heartbeatSeconds());
        IdentityRoutes identity = new IdentityRoutes(parts.identity(), parts.directory(), parts.seats(), parts.auth(), parts.hostHistory());
        StrayRoutes strays = new StrayRoutes(parts.strayPeople(), parts.auth());
        AdminRoutes admin = new AdminRoutes(parts.seats(), parts.views(), parts.auth());
        java.util.concurrent.atomic.AtomicReference<Javalin> app = new java.util.concurrent.atomic.AtomicReference<>();
        Javalin javalin = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = parts.maxRequestBytes();
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson3(json, true));
            JettyGuards.install(config);
            setup.accept(config);
            // Java's default accept queue of 50 drops SYNs when many clients reconnect at once (after a
            // restart, every client does): they would then wait a second for the retransmit.
            config.jetty.modifyServer(server -> server.addEventListener(new org.eclipse.jetty.util.component.LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(org.eclipse.jetty.util.component.LifeCycle event) {
                    for (var c : server.getConnectors()) {
                        if (c instanceof org.eclipse.jetty.server.ServerConnector sc) {
                            sc.setAcceptQueueSize(1024);
                        }
                    }
                }
            }));

            var r = config.routes;
            // A before-handler for "*" is matched by comparing strings, one for "/api/v1/*" by a regular expression on
            // every request: 5 % of a heartbeat's server CPU in a profile. The prefix test is the same match.
            r.before(ctx -> {
                if (ctx.path().startsWith("/api/v1/")) {
                    MediaTypes.refuseOthers(ctx);
                }
            });
            r.get("/healthz", ctx -> ctx.json(Map.of("status", "ok")));
            r.get("/readyz", ctx -> {
                boolean reachable = parts.db().isReachable();
                // Migrations current: the schema this build migrated to at start is still the one in the store.
                java.util.Optional<String> schema = reachable ? parts.db().schemaProblem() : java.util.Optional.empty();
                java.util.Optional<String> storage = parts.storage().problem();
                // With several nodes: a node on a wrong clock must not take clients (it would set wrong lease ends).
                java.util.Optional<String> clock = parts.cluster().clockProblem();
                boolean ok = reachable && schema.isEmpty() && storage.isEmpty() && clock.isEmpty();
                ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "ready"
                                : !reachable ? "store unreachable" : schema.isPresent() ? "schema not current: " + schema.get()
                                : storage.isPresent() ? storage.get() : clock.get(),
                        "database", reachable ? "reachable" : "unreachable",
                        "migrations", !reachable ? "unknown" : schema.isEmpty() ? "current" : "not current",
                        "storage", storage.isEmpty() ? "writable" : "full",
                        "clock", clock.isEmpty() ? "agrees" : "off"));
            });
            r.get("/api/v1/installation", ctx -> {
                // In the signed-in modes only sign-in and health answer without credentials.
                if (parts.identity().authSettings().mode() != AuthMode.OPEN) {
                    parts.auth().require(ctx);
                }
                ctx.json(new Installation(parts.licenses().installationId(), parts.version(),
                        dev.usher.server.install.BuildInfo.buildTime().orElse(null), List.copyOf(parts.licenses().trustedKeys().keyIds()),
                        parts.seats().borrowPublicKey()));
            });
            client.register(r);
            admin.register(r);
            new LicenseRoutes(parts.licenses(), parts.auth()).register(r);
            identity.register(r);
            strays.register(r);
            new OidcRoutes(parts.oidc(), parts.auth()).register(r);
            new AssignmentRoutes(parts.seats(), parts.identity(), parts.auth()).register(r);
            moreRoutes.accept(r);
            new BackupRoutes(parts.db(), parts.auth()).register(r);
            new dev.usher.server.console.ConsoleRoutes(new dev.usher.server.console.ConsoleRoutes.Parts(parts.seats(), parts.views(),
                    parts.licenses(), parts.identity(), parts.directory(), parts.oidc(), parts.db(), parts.version(), parts.usage(),
                    parts.audit(), parts.hostHistory(), parts.strayPeople(), parts.notifications())).register(r);
            if (parts.notifications() != null) {
                new NotificationRoutes(parts.notifications(), parts.auth()).register(r);
            }
            new ClusterRoutes(parts.cluster(), parts.auth()).register(r);

            r.exception(ApiProblem.class, (e, ctx) -> problem(ctx, e));
            r.exception(LicenseRejection.class, (e, ctx) -> problem(ctx,
                    new ApiProblem(422, "invalid-license", "The license file was refused", e.getMessage())
                            .with("reason", e.reason().code())));
            r.exception(LicenseService.LicenseIdConflictException.class, (e, ctx) -> problem(ctx,
                    new ApiProblem(409, "license-conflict", "A different license has this id", e.getMessage())));
            r.exception(TrustedKeyService.InvalidKeyException.class, (e, ctx) -> problem(ctx,
                    new ApiProblem(422, "invalid-key", "The vendor key file was refused", e.getMessage())));
            r.exception(TrustedKeyService.KeyConflictException.class, (e, ctx) -> problem(ctx,
                    new ApiProblem(409, "key-conflict", "The vendor key was refused", e.getMessage())));
            r.exception(TrustedKeyDirectories.TrustedKeysUnreadableException.class, (e, ctx) -> {
                LOG.error("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
                problem(ctx, new ApiProblem(503, "trusted-keys-unreadable", "The trusted vendor keys cannot be read",
                        e.getMessage()));
            });
            r.exception(IdentityException.class, (e, ctx) -> problem(ctx,
                    new ApiProblem(e.kind().status(), e.kind().code(), title(e.kind()), e.getMessage())));
            r.exception(IdentityService.SignInRefused.class, (e, ctx) -> {
                if (e.retryAfter() != null) {
                    ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
                    problem(ctx, new ApiProblem(429, "too-many-attempts", "Too many failed sign-ins", e.getMessage()));
                } else {
                    problem(ctx, new ApiProblem(401, "unauthenticated", "Sign-in failed", e.getMessage()));
                }
            });
            r.exception(PasswordDirectory.DirectoryUnavailableException.class, (e, ctx) -> {
                LOG.warn("{} {}: directory unavailable: {}", ctx.method(), ctx.path(), e.getMessage());
                problem(ctx, new ApiProblem(503, "directory-unavailable", "The directory is unavailable", e.getMessage()));
            });
            r.exception(SessionConflictException.class, (e, ctx) -> problem(ctx,
                    new ApiProblem(409, "session-conflict", "Session belongs to someone else", e.getMessage())));
            r.exception(UserNames.InvalidNameException.class, (e, ctx) -> problem(ctx, ApiProblem.validation(e.getMessage())));
            r.exception(IllegalArgumentException.class, (e, ctx) -> problem(ctx, ApiProblem.validation(e.getMessage())));
            r.exception(StoreException.class, (e, ctx) -> {
                if (parts.storage().isDiskFull(e)) {
                    diskFull(ctx, e);
                    return;
                }
                LOG.error("store failure on {} {}", ctx.method(), ctx.path(), e);
                problem(ctx, new ApiProblem(503, "store-unavailable", "The store is unavailable",
                        "the server could not read or write its database; nothing was changed. Try again; if it persists,"
                                + " check the server log and disk space"));
            });
            r.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, fromJavalin(e.getStatus(), ctx, parts.maxRequestBytes())));
            r.exception(Exception.class, (e, ctx) -> {
                if (parts.storage().isDiskFull(e)) {
                    diskFull(ctx, e);
                    return;
                }
                LOG.error("unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                problem(ctx, new ApiProblem(500, "internal-error", "Internal error",
                        "the server failed unexpectedly; nothing was changed. The server log has the details"));
            });
            // Responses Javalin produces without an exception (no route matched, ...).
            for (int status : new int[] {404, 405, 413}) {
                r.error(status, ctx -> {
                    String type = ctx.res().getContentType();
                    if (status == 405) {
                        ctx.header("Allow", Methods.allowed(app.get(), ctx.path()));
                    }
                    if (type == null || !type.startsWith("application/problem+json")) {
                        problem(ctx, fromJavalin(status, ctx, parts.maxRequestBytes()));
                    }
                });
            }
        });
        app.set(javalin);
        Methods.headLikeGet(javalin);
        return javalin;
    }

    /** A write failed for lack of disk space: logged once per failure as one line, answered with a sentence. */
    private static void diskFull(Context ctx, Exception e) {
        LOG.error("{} {}: the disk is full, nothing was written ({})", ctx.method(), ctx.path(), e.getMessage());
        problem(ctx, StorageWatch.refusal());
    }

    private static String title(IdentityException.Kind kind) {
        return switch (kind) {
            case UNKNOWN_USER -> "Unknown user";
            case USER_DISABLED -> "Account disabled";
            case NAME_TAKEN -> "Name already taken";
            case NOT_FOUND -> "Not found";
            case NOT_ALLOWED -> "Not allowed";
        };
    }

    private static ApiProblem fromJavalin(int status, Context ctx, long maxRequestBytes) {
        return switch (status) {
            case 404 -> new ApiProblem(404, "not-found", "Not found", "no such resource: " + ctx.method() + " " + ctx.path());
            case 405 -> new ApiProblem(405, "method-not-allowed", "Method not allowed",
                    ctx.method() + " is not allowed on " + ctx.path());
            case 413 -> new ApiProblem(413, "request-too-large", "Request too large",
                    "the request body is larger than the limit of " + maxRequestBytes + " bytes");
            case 400 -> ApiProblem.validation("the request could not be read");
            default -> new ApiProblem(status, "http-" + status, "HTTP " + status, "the request failed with status " + status);
        };
    }

    static void problem(Context ctx, ApiProblem p) {
        ctx.status(p.status());
        var body = p.body();
        if (RequestIds.of(ctx) != null) {
            body.put("requestId", RequestIds.of(ctx));
        }
        ctx.json(body);
        ctx.contentType("application/problem+json");
    }
}
