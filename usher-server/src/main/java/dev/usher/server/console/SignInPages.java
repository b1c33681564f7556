package dev.usher.server.console;

import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.oidc.OidcFailure;
import dev.usher.server.auth.oidc.OidcSettings;
import dev.usher.server.auth.oidc.OidcSignIn;
import dev.usher.server.auth.oidc.PendingSignIn;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;

import java.util.HashMap;
import java.util.Map;

/**
 * The sign-in page: a user name and password (local or LDAP), and, when the site's identity provider
 * is set up, "Sign in with …" (OpenID Connect). Only administrators get a console session either way.
 */
final class SignInPages {

    /** Holds the {@link PendingSignIn} while the browser is at the provider; sent only to the callback. */
    static final String PENDING_COOKIE = "usher_oidc";
    private static final String PENDING_PATH = "/login/oidc";

    private final Console console;
    private final OidcSignIn oidc;

    SignInPages(Console console, OidcSignIn oidc) {
        this.console = console;
        this.oidc = oidc;
    }

    void register(RoutesConfig r) {
        r.get("/login", this::loginPage);
        r.post("/login", this::signIn);
        r.get("/login/oidc", this::startOidc);
        r.get(OidcSettings.CALLBACK_PATH, this::finishOidc);
    }

    private void loginPage(Context ctx) {
        if (console.session.admin(ctx).isPresent()) {
            ctx.redirect(next(ctx.queryParam("next")));
            return;
        }
        render(ctx, FormState.empty().with("next", ctx.queryParam("next")), null);
    }

    private void signIn(Context ctx) {
        String user = Console.trimmed(ctx, "user");
        String password = ctx.formParam("password");
        FormState form = FormState.empty().with("user", user).with("next", ctx.formParam("next"));
        String error = null;
        int status = 200;
        if (!Console.sameOrigin(ctx)) {
            error = "This sign-in came from another site and was refused.";
            status = 403;
        } else if (user.isEmpty()) {
            form.error("user", "Enter your user name.");
            status = 422;
        } else if (password == null || password.isEmpty()) {
            form.error("password", "Enter your password.");
            status = 422;
        } else {
            try {
                console.session.signIn(ctx, user, password);
                ctx.redirect(next(ctx.formParam("next")), HttpStatus.SEE_OTHER);
                return;
            } catch (IdentityService.SignInRefused e) {
                error = e.retryAfter() != null ? "Too many failed sign-ins: wait " + e.retryAfterSeconds()
                        + " seconds, then try again." : "The user name or password is wrong, or the account is disabled.";
                status = e.retryAfter() != null ? 429 : 401;
            } catch (ConsoleSession.NotAdministrator e) {
                error = e.getMessage() + ".";
                status = 403;
            } catch (IllegalArgumentException e) {
                error = e.getMessage();
                status = 422;
            }
        }
        ctx.status(status);
        render(ctx, form, error);
    }

    /** "Sign in with …": off to the provider, with the secrets of this sign-in in a cookie of this browser. */
    private void startOidc(Context ctx) {
        String next = next(ctx.queryParam("next"));
        if (oidc.settings().isEmpty()) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER); // turned off since the page was shown
            return;
        }
        try {
            OidcSignIn.Started s = oidc.start(ownCallback(ctx), next);
            ctx.cookie(pendingCookie(ctx, s.pending().encode(), (int) OidcSignIn.PENDING_LIFETIME.toSeconds()));
            Console.secure(ctx);
            ctx.redirect(s.authorizationUrl().toString(), HttpStatus.SEE_OTHER);
        } catch (OidcFailure e) {
            ctx.status(e.kind().status());
            render(ctx, FormState.empty().with("next", next), sentence("Sign-in through the identity provider is not possible now: ", e));
        }
    }

    /** The provider sends the browser back here with a code (or an error). */
    private void finishOidc(Context ctx) {
        var pending = PendingSignIn.decode(ctx.cookie(PENDING_COOKIE));
        ctx.cookie(pendingCookie(ctx, "", 0)); // used once, whatever happens now
        Map<String, String> answer = new HashMap<>();
        for (String p : new String[] {"state", "code", "error", "error_description"}) {
            if (ctx.queryParam(p) != null) {
                answer.put(p, ctx.queryParam(p));
            }
        }
        String next = pending.map(PendingSignIn::next).map(SignInPages::next).orElse("/");
        try {
            console.session.open(ctx, oidc.finish(pending, answer, ctx.ip()));
        } catch (OidcFailure e) {
            ctx.status(e.kind().status());
            render(ctx, FormState.empty().with("next", next), sentence("Sign-in through the identity provider failed: ", e));
            return;
        } catch (ConsoleSession.NotAdministrator e) {
            ctx.status(403);
            render(ctx, FormState.empty().with("next", next), e.getMessage() + ".");
            return;
        }
        // Not a redirect: the browser arrived here from the provider's site, and the console's SameSite=Strict
        // cookie is withheld for the rest of such a redirect chain. A page of ours that moves on starts a new one.
        console.render(ctx, "continue.jte", new Pages.Continue(console.shell(null, "Signed in", "login"), next));
    }

    private void render(Context ctx, FormState form, String error) {
        String provider = oidc.settings().map(OidcSettings::buttonName).orElse(null);
        console.render(ctx, "login.jte", new Pages.Login(console.shell(null, "Sign in", "login"), form, error, provider));
    }

    /** This server's callback as the browser reached it (the settings may name another, e.g. behind a proxy). */
    private static String ownCallback(Context ctx) {
        String host = ctx.header("Host");
        return ctx.scheme() + "://" + (host == null || host.isBlank() ? ctx.host() : host) + OidcSettings.CALLBACK_PATH;
    }

    private static Cookie pendingCookie(Context ctx, String value, int maxAge) {
        // Lax, not Strict: it must come along when the provider's site sends the browser back to the callback.
        boolean secure = "https".equalsIgnoreCase(ctx.scheme());
        return new Cookie(PENDING_COOKIE, value, PENDING_PATH, maxAge, secure, true, null, SameSite.LAX);
    }

    private static String sentence(String prefix, OidcFailure e) {
        String m = e.getMessage();
        return prefix + m + (m.endsWith(".") ? "" : ".");
    }

    /** Where to go after signing in: only a path of this console (never another site). */
    static String next(String requested) {
        return requested != null && requested.matches("/[A-Za-z0-9/_.-]*") && !requested.startsWith("//") ? requested : "/";
    }
}
