package dev.usher.server.http;

import dev.usher.server.install.AdminCredentials;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/** Guards admin routes: a bearer token the {@link AdminCredentials} accept, or 401. */
public final class AdminAuth {

    private final AdminCredentials credentials;

    public AdminAuth(AdminCredentials credentials) {
        this.credentials = credentials;
    }

    /** Wraps a handler so it only runs for an authenticated administrator. */
    public Handler admin(Handler handler) {
        return ctx -> {
            require(ctx);
            handler.handle(ctx);
        };
    }

    private void require(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
        if (!credentials.accepts(token)) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"usher\"");
            throw new ApiProblem(401, "unauthenticated", "Authentication required",
                    token == null ? "this endpoint needs an admin token: send 'Authorization: Bearer <token>' (printed at first start)"
                            : "the admin token is not valid");
        }
    }
}
