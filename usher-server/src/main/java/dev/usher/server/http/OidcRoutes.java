package dev.usher.server.http;

import dev.usher.server.auth.Principal;
import dev.usher.server.auth.oidc.OidcSettings;
import dev.usher.server.auth.oidc.OidcSignIn;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.Map;

/** The identity provider settings (OpenID Connect console sign-in) over the admin API. */
final class OidcRoutes {

    private final OidcSignIn oidc;
    private final RequestAuth auth;

    OidcRoutes(OidcSignIn oidc, RequestAuth auth) {
        this.oidc = oidc;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/settings/oidc", auth.admin(ctx -> ctx.json(oidc.settings().map(OidcSettings::redacted)
                .map(x -> (Object) x).orElse(Map.of("configured", false)))));
        r.put("/api/v1/settings/oidc", auth.admin(ctx -> ctx.json(oidc.save(body(ctx), actor(ctx), ctx.ip()).redacted())));
        r.delete("/api/v1/settings/oidc", auth.admin(ctx -> {
            oidc.remove(actor(ctx), ctx.ip());
            ctx.status(204);
        }));
        r.post("/api/v1/settings/oidc/test", auth.admin(ctx -> {
            // Tests what was sent (with the stored secret if left out), or the stored settings.
            OidcSettings s = ctx.bodyAsBytes().length > 2 ? body(ctx).keepingSecretOf(oidc.settings().orElse(null))
                    : oidc.settings().orElseThrow(() -> ApiProblem.validation("no identity provider is configured"));
            var problems = s.problems();
            if (!problems.isEmpty()) {
                throw ApiProblem.validation(String.join("; ", problems));
            }
            OidcSignIn.ProviderTest t = oidc.test(s);
            ctx.json(Map.of("ok", t.ok(), "message", t.message()));
        }));
    }

    private static OidcSettings body(Context ctx) {
        return JsonCodec.read(ctx, OidcSettings.class); // strictly, as every request body
    }

    private String actor(Context ctx) {
        return auth.principal(ctx).map(Principal::name).orElse("unknown");
    }
}
