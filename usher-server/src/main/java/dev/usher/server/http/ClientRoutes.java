package dev.usher.server.http;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.server.auth.AuthSettings;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.Principal;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;

/** The client API: take, keep and give back seats. Stable under {@code /api/v1}. */
final class ClientRoutes {

    /** The checkout body; {@code user} only counts in open mode. */
    record CheckoutBody(String user, String host, String client) {}

    record CheckoutResponse(String seatId, String sessionId, String product, String feature, String user,
                            Instant leaseExpiresAt, long heartbeatSeconds, int sharedWithSessions, String outcome) {}

    record HeartbeatResponse(String sessionId, Instant leaseExpiresAt, long heartbeatSeconds) {}

    private final SeatService seats;
    private final IdentityService identity;
    private final RequestAuth auth;
    private final JsonMapper json;
    private final long heartbeatSeconds;

    ClientRoutes(SeatService seats, IdentityService identity, RequestAuth auth, JsonMapper json, long heartbeatSeconds) {
        this.seats = seats;
        this.identity = identity;
        this.auth = auth;
        this.json = json;
        this.heartbeatSeconds = heartbeatSeconds;
    }

    void register(RoutesConfig r) {
        r.put("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}", this::checkout);
        r.delete("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}", this::checkin);
        r.post("/api/v1/sessions/{sessionId}/heartbeat", this::heartbeat);
        r.delete("/api/v1/sessions/{sessionId}", this::endSession);
    }

    private void checkout(Context ctx) {
        CheckoutBody body = JsonCodec.read(json, ctx.bodyAsBytes(), CheckoutBody.class);
        AuthSettings settings = identity.authSettings();
        CheckoutOutcome outcome;
        if (settings.mode() == AuthMode.OPEN) {
            outcome = seats.checkout(ctx.pathParam("sessionId"), ctx.pathParam("product"), ctx.pathParam("feature"),
                    null, body.user(), settings.autoCreateUsers(), body.host(), body.client());
        } else {
            // The seat belongs to whoever the credentials say, whatever the body claims.
            Principal p = caller(ctx, settings);
            outcome = seats.checkout(ctx.pathParam("sessionId"), ctx.pathParam("product"), ctx.pathParam("feature"),
                    p.userId(), p.name(), false, body.host(), body.client());
        }
        switch (outcome) {
            case CheckoutOutcome.Denied denied -> {
                var d = denied.deny();
                ApiProblem p = new ApiProblem(d.reason().httpStatus(), d.reason().code(), title(d.reason()), d.message())
                        .with("product", ctx.pathParam("product"))
                        .with("feature", ctx.pathParam("feature"))
                        .with("capacity", d.capacity())
                        .with("inUse", d.inUse());
                if (d.reason() == dev.usher.core.seat.DenyReason.NO_SEATS_AVAILABLE) {
                    ctx.header("Retry-After", String.valueOf(heartbeatSeconds));
                }
                throw p;
            }
            case CheckoutOutcome.Held held -> {
                ctx.status(held.how() == CheckoutOutcome.How.NEW ? 201 : 200);
                ctx.json(new CheckoutResponse(held.seatId(), held.sessionId(), held.pool().product(), held.pool().feature(),
                        held.user(), held.leaseExpiresAt(), heartbeatSeconds, held.sharedWithSessions(),
                        held.how().name().toLowerCase(java.util.Locale.ROOT)));
            }
        }
    }

    private static String title(dev.usher.core.seat.DenyReason reason) {
        return switch (reason) {
            case NO_SEATS_AVAILABLE -> "No seats available";
            case SERVER_NOT_LICENSED -> "Server not licensed";
            case UNKNOWN_POOL -> "Unknown product or feature";
            case NOT_ENTITLED -> "Not entitled to this pool";
        };
    }

    /** In the signed-in modes: the authenticated caller; token mode accepts API tokens only. */
    private Principal caller(Context ctx, AuthSettings settings) {
        Principal p = auth.require(ctx);
        if (settings.mode() == AuthMode.TOKEN && "session".equals(p.via())) {
            throw new ApiProblem(401, "unauthenticated", "API token required",
                    "this server accepts API tokens only: ask your administrator for one (usher token create)");
        }
        if (p.userId() == null) {
            throw new ApiProblem(403, "forbidden", "Not a person", "the admin token cannot hold seats; sign in as a user");
        }
        return p;
    }

    /** In the signed-in modes a session can only be handled by its own user (or an administrator). */
    private void requireOwner(Context ctx, String sessionId) {
        AuthSettings settings = identity.authSettings();
        if (settings.mode() == AuthMode.OPEN) {
            return;
        }
        Principal p = caller(ctx, settings);
        seats.sessionOwner(sessionId).filter(owner -> !owner.equals(p.userId()) && !p.admin()).ifPresent(owner -> {
            throw new ApiProblem(403, "forbidden", "Not your session", "session " + sessionId + " belongs to another user");
        });
    }

    private void heartbeat(Context ctx) {
        String sessionId = ctx.pathParam("sessionId");
        if (identity.authSettings().mode() != AuthMode.OPEN) {
            caller(ctx, identity.authSettings());
        }
        Instant expires = seats.heartbeat(sessionId).orElseThrow(() -> new ApiProblem(410, "lease-expired", "Lease expired",
                "session " + sessionId + " has no live lease (it lapsed, was released by an administrator, or ended);"
                        + " check out again with the same session id").with("sessionId", sessionId));
        ctx.json(new HeartbeatResponse(sessionId, expires, heartbeatSeconds));
    }

    private void checkin(Context ctx) {
        requireOwner(ctx, ctx.pathParam("sessionId"));
        seats.checkin(ctx.pathParam("sessionId"), ctx.pathParam("product"), ctx.pathParam("feature"));
        ctx.status(204);
    }

    private void endSession(Context ctx) {
        requireOwner(ctx, ctx.pathParam("sessionId"));
        seats.endSession(ctx.pathParam("sessionId"));
        ctx.status(204);
    }
}
