package dev.usher.server.http;

import dev.usher.core.audit.Actor;
import dev.usher.server.auth.BearerTokens;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.Principal;
import io.javalin.http.Context;
import io.javalin.http.Handler;

import java.util.Optional;

/**
 * Who is calling: the bearer token of a request resolved to a {@link Principal}. Admin routes need
 * an administrator (401 without valid credentials, 403 for someone who is not an administrator).
 */
public final class RequestAuth {

    private static final String PRINCIPAL = "usher.principal";

    private final IdentityService identity;

    public RequestAuth(IdentityService identity) {
        this.identity = identity;
    }

    /** Wraps a handler so it only runs for an authenticated administrator. */
    public Handler admin(Handler handler) {
        return ctx -> {
            Principal p = require(ctx);
            if (!p.admin()) {
                throw new ApiProblem(403, "forbidden", "Administrators only",
                        p.name() + " is signed in but not in the Administrators role");
            }
            // Services record admin actions with the actor bound here (name and client address).
            new Actor(p.name(), ctx.ip()).call(() -> {
                handler.handle(ctx);
                return null;
            });
        };
    }

    /** The caller, if the request carries valid credentials. */
    public Optional<Principal> principal(Context ctx) {
        Principal cached = ctx.attribute(PRINCIPAL);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<Principal> p = identity.authenticate(BearerTokens.fromHeader(ctx.header("Authorization")));
        p.ifPresent(x -> ctx.attribute(PRINCIPAL, x));
        return p;
    }

    /** The caller, or 401. */
    public Principal require(Context ctx) {
        return principal(ctx).orElseThrow(() -> {
            ctx.header("WWW-Authenticate", "Bearer realm=\"usher\"");
            boolean sent = ctx.header("Authorization") != null;
            return new ApiProblem(401, "unauthenticated", "Authentication required", sent
                    ? "the token is not valid (unknown, expired or revoked): sign in again"
                    : "this endpoint needs credentials: send 'Authorization: Bearer <token>' (sign in with POST /api/v1/auth/sign-in,"
                    + " or use the admin token printed at first start)");
        });
    }
}
