package dev.usher.server.http;

import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;

/** The client API: take, keep and give back seats. Stable under {@code /api/v1}. */
final class ClientRoutes {

    /** The checkout body in open mode. */
    record CheckoutBody(String user, String host, String client) {}

    record CheckoutResponse(String seatId, String sessionId, String product, String feature, String user,
                            Instant leaseExpiresAt, long heartbeatSeconds, int sharedWithSessions, String outcome) {}

    record HeartbeatResponse(String sessionId, Instant leaseExpiresAt, long heartbeatSeconds) {}

    private final SeatService seats;
    private final JsonMapper json;
    private final long heartbeatSeconds;

    ClientRoutes(SeatService seats, JsonMapper json, long heartbeatSeconds) {
        this.seats = seats;
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
        CheckoutOutcome outcome = seats.checkout(ctx.pathParam("sessionId"), ctx.pathParam("product"),
                ctx.pathParam("feature"), body.user(), body.host(), body.client());
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
        };
    }

    private void heartbeat(Context ctx) {
        String sessionId = ctx.pathParam("sessionId");
        Instant expires = seats.heartbeat(sessionId).orElseThrow(() -> new ApiProblem(410, "lease-expired", "Lease expired",
                "session " + sessionId + " has no live lease (it lapsed, was released by an administrator, or ended);"
                        + " check out again with the same session id").with("sessionId", sessionId));
        ctx.json(new HeartbeatResponse(sessionId, expires, heartbeatSeconds));
    }

    private void checkin(Context ctx) {
        seats.checkin(ctx.pathParam("sessionId"), ctx.pathParam("product"), ctx.pathParam("feature"));
        ctx.status(204);
    }

    private void endSession(Context ctx) {
        seats.endSession(ctx.pathParam("sessionId"));
        ctx.status(204);
    }
}
