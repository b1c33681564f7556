package dev.usher.server.http;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.seat.BorrowOutcome;
import dev.usher.core.seat.CheckoutOutcome;
import dev.usher.core.seat.SeatLedger;
import dev.usher.server.seat.SeatQueue;
import dev.usher.server.auth.AuthSettings;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.Principal;
import dev.usher.server.seat.AdminReason;
import dev.usher.server.seat.SeatService;
import dev.usher.server.seat.SessionEndings;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.usher.core.inventory.InstalledLicense;
import dev.usher.core.seat.PoolKey;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import dev.usher.server.license.LicenseService;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The client API: take, keep and give back seats. Stable under {@code /api/v1}. */
final class ClientRoutes {

    /**
     * The checkout body; {@code user} only counts in open mode. Members a newer client may add are
     * ignored (here and in {@link BorrowBody}): an older server keeps serving it.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record CheckoutBody(String user, String host, String client) {}

    /**
     * {@code licenses}: the signed license files that back the pool now (its counted seats and the server entitlement),
     * so the vendor's application can check that its seat comes from a file its vendor signed.
     */
    record CheckoutResponse(String seatId, String sessionId, String product, String feature, String user,
                            Instant leaseExpiresAt, long heartbeatSeconds, int sharedWithSessions, String outcome,
                            @JsonRawValue String licenses) {}

    /** One signed license file as the client verifies it: its id, the key that signed it, and its exact text. */
    record BackingLicense(java.util.UUID id, String keyId, String text) {}

    record HeartbeatResponse(String sessionId, Instant leaseExpiresAt, long heartbeatSeconds) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record BorrowBody(Instant until) {}

    record BorrowResponse(String seatId, String sessionId, String product, String feature, String user, String host,
                          Instant until, boolean renewed, String token, String publicKey) {}

    record ReturnResponse(String seatId, String product, String feature, String user, Instant wasBorrowedUntil,
                          String outcome, String warning) {}

    private final SeatService seats;
    private final LicenseService licenses;
    private final IdentityService identity;
    private final RequestAuth auth;
    private final long heartbeatSeconds;
    /** Per pool: the licenses that backed its last checkout answer, and their JSON. */
    private final Map<PoolKey, BackingJson> backingJson = new ConcurrentHashMap<>();

    private record BackingJson(List<InstalledLicense> backing, String json) {}

    ClientRoutes(SeatService seats, LicenseService licenses, IdentityService identity, RequestAuth auth, long heartbeatSeconds) {
        this.seats = seats;
        this.licenses = licenses;
        this.identity = identity;
        this.auth = auth;
        this.heartbeatSeconds = heartbeatSeconds;
    }

    void register(RoutesConfig r) {
        r.put("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}", this::checkout);
        r.delete("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}", this::checkin);
        r.post("/api/v1/sessions/{sessionId}/heartbeat", this::heartbeat);
        r.delete("/api/v1/sessions/{sessionId}", this::endSession);
        r.post("/api/v1/sessions/{sessionId}/checkouts/{product}/{feature}/borrow", this::borrow);
        r.delete("/api/v1/borrows/{seatId}", this::endLoan);
    }

    private void checkout(Context ctx) {
        CheckoutBody body = JsonCodec.read(ctx, CheckoutBody.class);
        Duration wait = waitParam(ctx);
        AuthSettings settings = identity.authSettings();
        SeatQueue.Answer answer;
        try (ClientDisconnect client = ClientDisconnect.watch(ctx)) {
            if (settings.mode() == AuthMode.OPEN) {
                answer = seats.checkout(ctx.pathParam("sessionId"), ctx.pathParam("product"), ctx.pathParam("feature"),
                        null, body.user(), settings.autoCreateUsers(), settings.refuseMachineNames(), body.host(), body.client(), wait,
                        client::onDisconnect);
            } else {
                // The seat belongs to whoever the credentials say, whatever the body claims.
                Principal p = caller(ctx, settings);
                answer = seats.checkout(ctx.pathParam("sessionId"), ctx.pathParam("product"), ctx.pathParam("feature"),
                        p.userId(), p.name(), false, false, body.host(), body.client(), wait, client::onDisconnect);
            }
            if (client.readAhead()) {
                ctx.header("Connection", "close");
            }
        }
        switch (answer.outcome()) {
            case CheckoutOutcome.Denied denied -> {
                var d = denied.deny();
                String detail = answer.queuePosition() == 0 ? d.message() : d.message() + " You were number "
                        + answer.queuePosition() + " in line when the wait of " + wait.toSeconds() + " s ended.";
                ApiProblem p = new ApiProblem(d.reason().httpStatus(), d.reason().code(), title(d.reason()), detail)
                        .with("product", ctx.pathParam("product"))
                        .with("feature", ctx.pathParam("feature"))
                        .with("capacity", d.capacity())
                        .with("inUse", d.inUse());
                if (d.reason() == dev.usher.core.seat.DenyReason.NO_SEATS_AVAILABLE) {
                    ctx.header("Retry-After", String.valueOf(heartbeatSeconds));
                }
                if (answer.queuePosition() > 0) {
                    p.with("queuePosition", answer.queuePosition());
                }
                throw p;
            }
            case CheckoutOutcome.Held held -> {
                ctx.status(held.how() == CheckoutOutcome.How.NEW ? 201 : 200);
                ctx.json(new CheckoutResponse(held.seatId(), held.sessionId(), held.pool().product(), held.pool().feature(),
                        held.user(), held.leaseExpiresAt(), heartbeatSeconds, held.sharedWithSessions(),
                        held.how().name().toLowerCase(java.util.Locale.ROOT),
                        licensesJson(held.pool(), licenses.inventory().backing(held.pool(), identity.now()))));
            }
        }
    }

    /**
     * The {@code licenses} of a checkout answer as JSON, written once per pool and set of backing licenses. The signed
     * texts are most of an answer's bytes (1,133 with one demo license, ~260 without), and escaping them anew for every
     * checkout cost 5 % of a checkout's server CPU in a profile. The inventory keeps its license objects until it
     * reloads, so the same objects mean the same texts.
     */
    private String licensesJson(PoolKey pool, List<InstalledLicense> backing) {
        BackingJson last = backingJson.get(pool);
        if (last != null && sameObjects(last.backing(), backing)) {
            return last.json();
        }
        String json = JsonCodec.mapper().writeValueAsString(
                backing.stream().map(l -> new BackingLicense(l.id(), l.keyId(), l.text())).toList());
        backingJson.put(pool, new BackingJson(List.copyOf(backing), json));
        return json;
    }

    private static boolean sameObjects(List<InstalledLicense> a, List<InstalledLicense> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code ?wait=SECONDS}: how long a checkout may wait in line for a full pool (0, the default, answers at once). */
    private static Duration waitParam(Context ctx) {
        String w = ctx.queryParam("wait");
        if (w == null || w.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            long seconds = Long.parseLong(w);
            if (seconds >= 0 && seconds <= SeatQueue.MAX_WAIT.toSeconds()) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // falls through to the same sentence
        }
        throw ApiProblem.validation("wait must be a whole number of seconds from 0 to " + SeatQueue.MAX_WAIT.toSeconds() + " (got '" + w + "')");
    }

    private void borrow(Context ctx) {
        String sessionId = ctx.pathParam("sessionId");
        requireOwner(ctx, sessionId);
        BorrowBody body = JsonCodec.read(ctx, BorrowBody.class);
        switch (seats.borrow(sessionId, ctx.pathParam("product"), ctx.pathParam("feature"), body.until())) {
            case BorrowOutcome.Refused no -> throw new ApiProblem(no.status(), no.code(), "Cannot borrow", no.message())
                    .with("product", ctx.pathParam("product")).with("feature", ctx.pathParam("feature"));
            case BorrowOutcome.Lent lent -> ctx.json(new BorrowResponse(lent.seatId(), lent.sessionId(), lent.pool().product(),
                    lent.pool().feature(), lent.user(), lent.host(), lent.until(), lent.renewed(), seats.borrowToken(lent),
                    seats.borrowPublicKey()));
        }
    }

    /**
     * Ends a loan early. The holder (or anyone, in open mode, with the seat id from the token) gives it
     * back; an administrator takes it back, which also ends the sessions on it.
     */
    private void endLoan(Context ctx) {
        String seatId = ctx.pathParam("seatId");
        AdminReason.require(ctx.queryParam("reason"));
        boolean open = identity.authSettings().mode() == AuthMode.OPEN;
        // In the signed-in modes nobody learns whether a seat is on loan before saying who they are.
        Principal caller = open ? auth.principal(ctx).orElse(null) : auth.require(ctx);
        SeatLedger.Loan loan = seats.loan(seatId).orElseThrow(() -> ApiProblem.notFound("seat " + seatId + " is not on loan"));
        boolean forced;
        if (open) {
            forced = caller != null && caller.admin();
        } else {
            Principal p = caller;
            if (!p.admin() && !java.util.Objects.equals(p.userId(), loan.userId())) {
                throw new ApiProblem(403, "forbidden", "Not your loan", "seat " + seatId + " is on loan to another user");
            }
            forced = p.admin() && !java.util.Objects.equals(p.userId(), loan.userId());
        }
        SeatLedger.Loan ended = seats.endLoan(seatId, forced, ctx.queryParam("reason"))
                .orElseThrow(() -> ApiProblem.notFound("seat " + seatId + " is not on loan"));
        ctx.json(new ReturnResponse(seatId, ended.pool().product(), ended.pool().feature(), ended.user(), ended.until(),
                forced ? "taken-back" : "returned",
                forced ? "an offline copy that holds this loan's token may keep running until " + ended.until()
                        + ": the token cannot be recalled, only its seat" : null));
    }

    private static String title(dev.usher.core.seat.DenyReason reason) {
        return switch (reason) {
            case NO_SEATS_AVAILABLE -> "No seats available";
            case SERVER_NOT_LICENSED -> "Server not licensed";
            case UNKNOWN_POOL -> "Unknown product or feature";
            case NOT_ENTITLED -> "Not entitled to this pool";
            case USER_IS_A_MACHINE -> "The user name is a computer's";
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
        AuthSettings settings = identity.authSettings();
        if (settings.mode() != AuthMode.OPEN) {
            try {
                caller(ctx, settings);
            } catch (ApiProblem p) {
                // A disabled account's token stops working with it; its application must still hear why its seat went.
                SessionEndings.Ending e = p.status() == 401 ? seats.ending(sessionId) : null;
                if (e != null && e.cause() == SessionEndings.Cause.PERSON_DISABLED) {
                    throw ended(sessionId, e);
                }
                throw p;
            }
        }
        Instant expires = seats.heartbeat(sessionId).orElseThrow(() -> ended(sessionId, seats.ending(sessionId)));
        ctx.json(new HeartbeatResponse(sessionId, expires, heartbeatSeconds));
    }

    /**
     * The heartbeat's 410: {@code endedBecause} tells a client whether to check out again (a lapse) or to
     * tell its user (an administrator released the seat, took a loan back, or disabled the account).
     */
    private ApiProblem ended(String sessionId, SessionEndings.Ending e) {
        ApiProblem p = new ApiProblem(410, "lease-expired", e.cause().byAdministrator() ? "Seat taken back" : "Lease expired",
                e.sentence(sessionId, seats.leaseTtl()))
                .with("sessionId", sessionId)
                .with("endedBecause", e.cause().code());
        if (e.at() != null) {
            p.with("endedAt", e.at());
        }
        if (e.cause().byAdministrator() && e.reason() != null) {
            p.with("reason", e.reason());
        }
        return p;
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
