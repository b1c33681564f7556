package dev.usher.server.console;

import dev.usher.server.auth.oidc.OidcSettings;
import dev.usher.server.auth.oidc.OidcSignIn;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings › Identity provider (OpenID Connect): save, test, remove; shown on the Settings page. */
final class OidcSettingsPages {

    /** Shows the Settings page with this section's form as sent and, if any, what its test found. */
    @FunctionalInterface
    interface Show {
        void show(Context ctx, ConsoleSession.Admin admin, FormState form, Pages.ConnectionTest test);
    }

    private static final List<String> FIELDS = List.of("name", "issuer", "clientId", "scopes", "usernameClaim", "groupsClaim",
            "adminGroup", "redirectUri");

    private final Console console;
    private final OidcSignIn oidc;
    private final Show show;

    OidcSettingsPages(Console console, OidcSignIn oidc, Show show) {
        this.console = console;
        this.oidc = oidc;
        this.show = show;
    }

    void register(RoutesConfig r) {
        r.post("/settings/oidc", console.action(this::save));
        r.post("/settings/oidc/test", console.action(this::test));
        r.get("/settings/oidc/remove", console.page(this::confirmRemove));
        r.post("/settings/oidc/remove", console.action(this::remove));
    }

    boolean configured() {
        return oidc.settings().isPresent();
    }

    boolean secretSet() {
        return oidc.settings().map(OidcSettings::clientSecretSet).orElse(false);
    }

    /** The stored settings as the form shows them (never the secret). */
    FormState form() {
        FormState f = FormState.empty();
        oidc.settings().ifPresent(s -> f.with("name", s.name()).with("issuer", s.issuer()).with("clientId", s.clientId())
                .with("scopes", s.scopes()).with("usernameClaim", s.usernameClaim()).with("groupsClaim", s.groupsClaim())
                .with("adminGroup", s.adminGroup()).with("redirectUri", s.redirectUri()));
        return f;
    }

    /** The form as settings; each problem ("oidc.issuer ...") goes next to its field. */
    private OidcSettings from(Context ctx, FormState form) {
        for (String f : FIELDS) {
            form.with(f, Console.trimmed(ctx, f));
        }
        String secret = Optional.ofNullable(ctx.formParam("clientSecret")).orElse("");
        OidcSettings s = new OidcSettings(form.value("name"), form.value("issuer"), form.value("clientId"), secret,
                form.value("scopes"), form.value("usernameClaim"), form.value("groupsClaim"), form.value("adminGroup"),
                form.value("redirectUri")).keepingSecretOf(oidc.settings().orElse(null));
        for (String p : s.problems()) {
            int space = p.indexOf(' ');
            String field = p.substring("oidc.".length(), space > 0 ? space : p.length());
            if (!form.hasError(field)) {
                form.error(field, SettingsPages.sentence(p.substring("oidc.".length())));
            }
        }
        return s;
    }

    private void save(Context ctx, ConsoleSession.Admin a) {
        FormState form = FormState.empty();
        OidcSettings s = from(ctx, form);
        if (form.hasErrors()) {
            ctx.status(422);
            show.show(ctx, a, form, null);
            return;
        }
        OidcSettings saved = oidc.save(s, a.name(), ctx.ip());
        console.done(ctx, a, "/settings#oidc", "Saved the identity provider settings. The sign-in page offers \"Sign in with "
                + saved.buttonName() + "\" from now on.");
    }

    private void test(Context ctx, ConsoleSession.Admin a) {
        FormState form = FormState.empty();
        OidcSettings s = from(ctx, form);
        SettingsPages.answerTest(console, ctx, form, "oidc-test-result", () -> {
            OidcSignIn.ProviderTest t = oidc.test(s);
            return new Pages.ConnectionTest(t.ok(), t.message());
        }, result -> show.show(ctx, a, form, result));
    }

    private void confirmRemove(Context ctx, ConsoleSession.Admin a) {
        console.render(ctx, "confirm.jte", console.confirm(a, "Stop signing in through the identity provider?",
                "The sign-in page will no longer offer it. People who signed in that way keep their users and roles; they can sign"
                        + " in again once it is set up again. Local and LDAP accounts keep working.", List.of(),
                "/settings/oidc/remove", "Remove identity provider", "/settings#oidc", false, Map.of()));
    }

    private void remove(Context ctx, ConsoleSession.Admin a) {
        oidc.remove(a.name(), ctx.ip());
        console.done(ctx, a, "/settings#oidc", "Removed the identity provider settings.");
    }
}
