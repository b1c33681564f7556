package dev.usher.server.console;

import dev.usher.core.audit.Actor;
import dev.usher.core.identity.IdentityException;
import dev.usher.server.auth.IdentityService;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What every console page shares: rendering a template in the frame, the sign-in check on every
 * page, the CSRF check on every change, security headers, and one-shot notices after a redirect.
 */
final class Console {

    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    /** A page or action of a signed-in administrator. */
    @FunctionalInterface
    interface AdminHandler {
        void handle(Context ctx, ConsoleSession.Admin admin) throws Exception;
    }

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    final ConsoleSession session;
    final IdentityService identity;
    final Fmt fmt;
    final String version;
    final StaticAssets.Assets assets;

    Console(ConsoleSession session, IdentityService identity, Fmt fmt, String version, StaticAssets.Assets assets) {
        this.assets = assets;
        this.session = session;
        this.identity = identity;
        this.fmt = fmt;
        // The footer says which build this is (an administrator reporting a problem reads it from there).
        this.version = version + dev.usher.server.install.BuildInfo.buildTime().map(t -> " (built " + t + ")").orElse("");
    }

    Pages.Shell shell(ConsoleSession.Admin admin, String title, String nav) {
        return new Pages.Shell(title, nav, admin == null ? null : admin.name(), admin == null ? null : admin.csrf(),
                admin == null ? null : session.takeNotice(admin), fmt, version, assets);
    }

    /** A page: signed-in administrators only; others go to the sign-in page. */
    Handler page(AdminHandler h) {
        return ctx -> {
            var admin = session.admin(ctx);
            if (admin.isEmpty()) {
                toSignIn(ctx);
                return;
            }
            run(ctx, admin.get(), h);
        };
    }

    /** A change: a page handler that also needs this session's CSRF token; afterwards remembered credentials are forgotten. */
    Handler action(AdminHandler h) {
        return ctx -> {
            var admin = session.admin(ctx);
            if (admin.isEmpty()) {
                toSignIn(ctx);
                return;
            }
            if (!sameOrigin(ctx) || !session.csrfValid(ctx, admin.get())) {
                problem(ctx, admin.get(), 403, "This form has expired",
                        "The request did not carry this session's security token, so nothing was changed. Reload the page and try again.");
                return;
            }
            run(ctx, admin.get(), h);
            // A change to people, roles or settings must count at once for API tokens too.
            identity.forgetCredentials();
        };
    }

    private void run(Context ctx, ConsoleSession.Admin admin, AdminHandler h) throws Exception {
        try {
            // Services record what they change with the actor bound here: the signed-in administrator and their address.
            new Actor(admin.name(), ctx.ip()).call(() -> {
                h.handle(ctx, admin);
                return null;
            });
        } catch (IllegalArgumentException e) {
            problem(ctx, admin, 400, "That did not work", e.getMessage());
        } catch (IdentityException e) {
            problem(ctx, admin, e.kind().status(), "That did not work", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("console {} {} failed", ctx.method(), ctx.path(), e);
            problem(ctx, admin, 500, "Something went wrong",
                    "The server failed unexpectedly; nothing was changed. The server log has the details.");
        }
    }

    /** A browser page load goes to /login; an htmx request is told to load it (a fragment swap would nest the page). */
    void toSignIn(Context ctx) {
        if (ctx.header("HX-Request") != null) {
            ctx.header("HX-Redirect", "/login");
            ctx.status(401);
            return;
        }
        String back = ctx.method().name().equals("GET") && !ctx.path().equals("/") ? "?next=" + encode(ctx.path()) : "";
        ctx.redirect("/login" + back);
    }

    /** A browser's cross-site POST carries its Origin; ours must be this server (defence in depth next to the token). */
    static boolean sameOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return true; // not a browser, or an old one: the CSRF token still has to match
        }
        String host = ctx.header("Host");
        return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
    }

    void render(Context ctx, String template, Object model) {
        StringOutput out = new StringOutput();
        templates.render(template, model, out);
        send(ctx, out);
    }

    /** A template of several parameters (a fragment htmx swaps in). */
    void renderWith(Context ctx, String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        send(ctx, out);
    }

    private static void send(Context ctx, StringOutput page) {
        secure(ctx);
        ctx.contentType("text/html; charset=utf-8").result(page.toString());
    }

    static void secure(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
                + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    }

    void problem(Context ctx, ConsoleSession.Admin admin, int status, String heading, String message) {
        ctx.status(status);
        render(ctx, "problem.jte", new Pages.Problem(shell(admin, heading, ""), heading, message, null));
    }

    /** After a change: back to a page, with a notice saying what was done. */
    void done(Context ctx, ConsoleSession.Admin admin, String to, String notice) {
        if (notice != null) {
            session.notice(admin, notice);
        }
        ctx.redirect(to, io.javalin.http.HttpStatus.SEE_OTHER);
    }

    Pages.Confirm confirm(ConsoleSession.Admin admin, String heading, String explanation, List<String> details, String action,
                          String button, String cancel, boolean askReason, Map<String, String> hidden) {
        return new Pages.Confirm(shell(admin, heading, ""), heading, explanation, details, action, button, cancel, askReason,
                FormState.empty(), hidden);
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** An id from a form or a path; anything else is the form's fault, said as such. */
    static long id(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' is not an id.");
        }
    }

    static String trimmed(Context ctx, String field) {
        String v = ctx.formParam(field);
        return v == null ? "" : v.strip();
    }
}
