package dev.usher.server.console;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.seat.BorrowPolicy;
import dev.usher.core.seat.PoolSettings;
import dev.usher.core.seat.SeatKeyPolicy;
import dev.usher.server.auth.AuthSettings;
import dev.usher.server.auth.ldap.DirectoryLink;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.ldap.LdapDirectory;
import dev.usher.server.auth.ldap.LdapSettings;
import dev.usher.server.auth.oidc.OidcSignIn;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Authentication mode, automatic users, sign-in lifetimes, the LDAP directory (with a connection
 * test), and per pool: how seats are counted, linger, and borrowing.
 */
final class SettingsPages {

    private static final List<String> LDAP_FIELDS = List.of("url", "bindDn", "userSearchBase", "userFilter", "loginAttribute",
            "upnPattern", "groupAttribute", "displayNameAttribute", "emailAttribute", "syncMinutes", "connectTimeoutMillis");

    private final Console console;
    private final IdentityService identity;
    private final DirectoryLink directory;
    private final OidcSettingsPages oidc;
    private final SeatService seats;

    SettingsPages(Console console, IdentityService identity, DirectoryLink directory, OidcSignIn oidc, SeatService seats) {
        this.console = console;
        this.identity = identity;
        this.directory = directory;
        this.oidc = new OidcSettingsPages(console, oidc, this::showOidc);
        this.seats = seats;
    }

    void register(RoutesConfig r) {
        r.get("/settings", console.page((ctx, a) -> show(ctx, a, authForm(), ldapForm(), null, null)));
        r.post("/settings/auth", console.action(this::saveAuth));
        r.post("/settings/ldap", console.action(this::saveLdap));
        r.post("/settings/ldap/test", console.action(this::testLdap));
        r.get("/settings/ldap/remove", console.page(this::confirmRemoveLdap));
        r.post("/settings/ldap/remove", console.action(this::removeLdap));
        r.post("/settings/pools/{product}/{feature}", console.action(this::savePool));
        oidc.register(r);
    }

    /** The page again with the identity provider's form as sent, and what its test found. */
    private void showOidc(Context ctx, ConsoleSession.Admin a, FormState form, Pages.ConnectionTest test) {
        render(ctx, a, authForm(), ldapForm(), null, form, test, null);
    }

    private void show(Context ctx, ConsoleSession.Admin a, FormState auth, FormState ldap, Pages.ConnectionTest test, Pages.PoolPolicy edited) {
        render(ctx, a, auth, ldap, test, oidc.form(), null, edited);
    }

    private void render(Context ctx, ConsoleSession.Admin a, FormState auth, FormState ldap, Pages.ConnectionTest ldapTest,
                        FormState oidcForm, Pages.ConnectionTest oidcTest, Pages.PoolPolicy edited) {
        List<Pages.PoolPolicy> pools = new ArrayList<>();
        for (SeatService.PoolView p : seats.pools()) {
            if (edited != null && edited.product().equals(p.key().product()) && edited.feature().equals(p.key().feature())) {
                pools.add(edited);
            } else {
                var b = p.settings().borrow();
                pools.add(new Pages.PoolPolicy(p.key().product(), p.key().feature(), p.settings().policy().code(),
                        String.valueOf(p.settings().linger().toSeconds()), b.allowed(), String.valueOf(b.maxDays()),
                        String.valueOf(b.floor()), null));
            }
        }
        Optional<LdapSettings> stored = directory.settings();
        console.render(ctx, "settings.jte", new Pages.Settings(console.shell(a, "Settings", "settings"), auth, ldap,
                stored.isPresent(), stored.map(LdapSettings::bindPasswordSet).orElse(false), ldapTest, oidcForm, oidc.configured(),
                oidc.secretSet(), oidcTest, pools,
                seats.leaseTtl().toSeconds() + " seconds", seats.leaseTtl().dividedBy(3).toSeconds() + " seconds"));
    }

    private FormState authForm() {
        AuthSettings s = identity.authSettings();
        return FormState.empty().with("mode", s.mode().code()).with("autoCreateUsers", String.valueOf(s.autoCreateUsers()))
                .with("refuseMachineNames", String.valueOf(s.refuseMachineNames()))
                .with("lifetime", String.valueOf(s.sessionLifetime().toMinutes())).with("idle", String.valueOf(s.sessionIdle().toMinutes()));
    }

    private FormState ldapForm() {
        FormState f = FormState.empty();
        directory.settings().ifPresent(s -> {
            f.with("url", s.url()).with("bindDn", s.bindDn()).with("userSearchBase", s.userSearchBase())
                    .with("userFilter", s.userFilter()).with("loginAttribute", s.loginAttribute()).with("upnPattern", s.upnPattern())
                    .with("groupAttribute", s.groupAttribute()).with("displayNameAttribute", s.displayNameAttribute())
                    .with("emailAttribute", s.emailAttribute()).with("syncMinutes", String.valueOf(s.syncMinutes()))
                    .with("connectTimeoutMillis", String.valueOf(s.connectTimeoutMillis()))
                    .with("startTls", String.valueOf(s.startTls())).with("trustAllCertificates", String.valueOf(s.trustAllCertificates()));
        });
        return f;
    }

    private void saveAuth(Context ctx, ConsoleSession.Admin a) {
        String mode = Console.trimmed(ctx, "mode");
        boolean auto = ctx.formParam("autoCreateUsers") != null;
        boolean refuseMachines = ctx.formParam("refuseMachineNames") != null;
        String lifetime = Console.trimmed(ctx, "lifetime");
        String idle = Console.trimmed(ctx, "idle");
        FormState form = FormState.empty().with("mode", mode).with("autoCreateUsers", String.valueOf(auto))
                .with("refuseMachineNames", String.valueOf(refuseMachines))
                .with("lifetime", lifetime).with("idle", idle);
        AuthMode m = null;
        try {
            m = AuthMode.fromCode(mode);
        } catch (IllegalArgumentException e) {
            form.error("mode", "Choose open, session or token.");
        }
        Long life = minutes(form, "lifetime", lifetime);
        Long idl = minutes(form, "idle", idle);
        if (!form.hasErrors()) {
            try {
                AuthSettings before = identity.authSettings();
                identity.saveAuthSettings(new AuthSettings(m, auto, refuseMachines, Duration.ofMinutes(life),
                        Duration.ofMinutes(idl)), a.name());
                console.done(ctx, a, "/settings", before.mode() == m ? "Saved the authentication settings."
                        : "Authentication mode is now " + m.code() + " (was " + before.mode().code() + "). Seats held now are not affected.");
                return;
            } catch (IllegalArgumentException e) {
                form.error(e.getMessage().contains("idle") ? "idle" : "lifetime", sentence(e.getMessage()));
            }
        }
        ctx.status(422);
        show(ctx, a, form, ldapForm(), null, null);
    }

    private static Long minutes(FormState form, String field, String value) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        form.error(field, "Enter a number of minutes.");
        return null;
    }

    /** The LDAP form as settings; problems (one per field, "ldap.url ...") go next to their fields. */
    private LdapSettings ldapFrom(Context ctx, FormState form) {
        for (String f : LDAP_FIELDS) {
            form.with(f, Console.trimmed(ctx, f));
        }
        boolean startTls = ctx.formParam("startTls") != null;
        boolean trustAll = ctx.formParam("trustAllCertificates") != null;
        form.with("startTls", String.valueOf(startTls)).with("trustAllCertificates", String.valueOf(trustAll));
        int sync = intField(form, "syncMinutes", 0);
        int timeout = intField(form, "connectTimeoutMillis", LdapSettings.DEFAULT_CONNECT_TIMEOUT_MILLIS);
        String password = Optional.ofNullable(ctx.formParam("bindPassword")).orElse("");
        LdapSettings s = new LdapSettings(form.value("url"), startTls, blank(form.value("bindDn")), password.isEmpty() ? null : password,
                blank(form.value("userSearchBase")), blank(form.value("userFilter")), blank(form.value("loginAttribute")),
                blank(form.value("upnPattern")), blank(form.value("groupAttribute")), blank(form.value("displayNameAttribute")),
                blank(form.value("emailAttribute")), sync, trustAll, timeout).keepingPasswordOf(directory.settings().orElse(null));
        for (String p : s.problems()) {
            String field = p.startsWith("ldap.") ? p.substring(5, p.indexOf(' ') > 5 ? p.indexOf(' ') : p.length()) : "url";
            if (!form.hasError(field)) {
                form.error(field, sentence(p.substring(5)));
            }
        }
        return s;
    }

    /** A whole number typed in a field; {@code dflt} when empty; an error next to the field when not a number. */
    static Integer intField(FormState form, String field, Integer dflt) {
        String v = form.value(field);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            form.error(field, "Enter a whole number.");
            return dflt;
        }
    }

    private void saveLdap(Context ctx, ConsoleSession.Admin a) {
        FormState form = FormState.empty();
        LdapSettings s = ldapFrom(ctx, form);
        if (!form.hasErrors()) {
            LdapSettings saved = directory.save(s);
            identity.users().recordAdminEvent(identity.now(), "ldap-settings", a.name(), ctx.ip(), saved.url(), null);
            console.done(ctx, a, "/settings#ldap", "Saved the LDAP directory settings. People sign in through " + saved.url() + " from now on.");
            return;
        }
        ctx.status(422);
        show(ctx, a, authForm(), form, null, null);
    }

    private void testLdap(Context ctx, ConsoleSession.Admin a) {
        FormState form = FormState.empty();
        LdapSettings s = ldapFrom(ctx, form);
        answerTest(console, ctx, form, "ldap-test-result", () -> {
            LdapDirectory.ConnectionTest t = new LdapDirectory(s).checkConnection();
            return new Pages.ConnectionTest(t.ok(), t.message());
        }, result -> show(ctx, a, authForm(), form, result, null));
    }

    /**
     * A "Test" button's answer: what the test found (or that the form must be fixed first), as the fragment
     * htmx swaps into {@code id}, or the whole page again for a browser without scripts.
     */
    static void answerTest(Console console, Context ctx, FormState form, String id, Supplier<Pages.ConnectionTest> test,
                           Consumer<Pages.ConnectionTest> wholePage) {
        Pages.ConnectionTest result = form.hasErrors()
                ? new Pages.ConnectionTest(false, "Not tested: fix the fields marked below first.") : test.get();
        if (ctx.header("HX-Request") != null) {
            console.renderWith(ctx, "connectiontest.jte", Map.of("test", result, "id", id));
        } else {
            wholePage.accept(result);
        }
    }

    private void confirmRemoveLdap(Context ctx, ConsoleSession.Admin a) {
        console.render(ctx, "confirm.jte", console.confirm(a, "Remove the LDAP directory?",
                "People who sign in through the directory will no longer be able to sign in; their users, roles and seats stay."
                        + " Local accounts (like this one, if it is local) keep working.", List.of(), "/settings/ldap/remove",
                "Remove directory", "/settings#ldap", false, Map.of()));
    }

    private void removeLdap(Context ctx, ConsoleSession.Admin a) {
        directory.remove();
        identity.users().recordAdminEvent(identity.now(), "ldap-settings", a.name(), ctx.ip(), null, "removed");
        console.done(ctx, a, "/settings#ldap", "Removed the LDAP directory settings.");
    }

    private void savePool(Context ctx, ConsoleSession.Admin a) {
        String product = ctx.pathParam("product");
        String feature = ctx.pathParam("feature");
        String policy = Console.trimmed(ctx, "policy");
        String linger = Console.trimmed(ctx, "linger");
        boolean borrowAllowed = "on".equals(Console.trimmed(ctx, "borrowAllowed"));
        String maxDays = Console.trimmed(ctx, "borrowMaxDays");
        String floor = Console.trimmed(ctx, "borrowFloor");
        String error = null;
        SeatKeyPolicy p = null;
        long seconds = 0;
        int days = 0;
        int keep = 0;
        try {
            p = SeatKeyPolicy.fromCode(policy);
        } catch (IllegalArgumentException e) {
            error = "Choose one seat per user, per user and machine, or per session.";
        }
        try {
            seconds = Long.parseLong(linger.isEmpty() ? "0" : linger);
            if (seconds < 0 || seconds > PoolSettings.MAX_LINGER.toSeconds()) {
                error = "Linger is 0 to " + PoolSettings.MAX_LINGER.toSeconds() + " seconds.";
            }
        } catch (NumberFormatException e) {
            error = "Linger is a number of seconds (0 for none).";
        }
        try {
            // A form without the loan fields (an older page, a script) keeps the pool's loan length.
            days = maxDays.isEmpty() ? seats.settings(product, feature).borrow().maxDays() : Integer.parseInt(maxDays);
            keep = Integer.parseInt(floor.isEmpty() ? "0" : floor);
            if (days < 1 || days > BorrowPolicy.MAX_DAYS) {
                error = "A loan lasts 1 to " + BorrowPolicy.MAX_DAYS + " days at most.";
            } else if (keep < 0 || keep > 1_000_000) {
                error = "Seats kept on site is a number from 0.";
            }
        } catch (NumberFormatException e) {
            error = "The longest loan is a number of days, and the seats kept on site a number of seats.";
        }
        if (error == null) {
            BorrowPolicy borrow = new BorrowPolicy(borrowAllowed, days, keep);
            seats.saveSettings(product, feature, new PoolSettings(p, Duration.ofSeconds(seconds), borrow));
            identity.users().recordAdminEvent(identity.now(), "pool-policy", a.name(), ctx.ip(), product + "/" + feature,
                    p.code() + ", linger " + seconds + " s, " + (borrowAllowed ? "borrowing allowed up to " + days + " days, "
                            + keep + " seat(s) kept on site" : "borrowing off"));
            console.done(ctx, a, "/settings#pools", "Saved the seat policy of " + product + "/" + feature + ": one seat per "
                    + switch (p) {
                        case USER -> "user";
                        case USER_HOST -> "user and machine";
                        case SESSION -> "session";
                    } + (seconds > 0 ? ", kept " + seconds + " s after the last session ends" : "")
                    + (borrowAllowed ? "; seats can be borrowed for up to " + days + " days" + (keep > 0 ? ", " + keep
                    + " always on site" : "") : "; borrowing is off") + ".");
            return;
        }
        ctx.status(422);
        show(ctx, a, authForm(), ldapForm(), null, new Pages.PoolPolicy(product, feature, policy, linger, borrowAllowed, maxDays, floor, error));
    }

    static String sentence(String s) {
        String t = Character.toUpperCase(s.charAt(0)) + s.substring(1);
        return t.endsWith(".") ? t : t + ".";
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
