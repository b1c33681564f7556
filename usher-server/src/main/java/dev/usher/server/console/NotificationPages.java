package dev.usher.server.console;

import dev.usher.core.audit.Actor;
import dev.usher.core.notify.AlertKind;
import dev.usher.server.notify.NotificationSettings;
import dev.usher.server.notify.Notifications;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Settings › Notifications: the SMTP server and recipients, webhooks, which events send messages and
 * their thresholds, "send a test" (of what the form holds, before saving), and the latest deliveries.
 * Secrets are never put back into the page: an empty password or secret field keeps the stored one.
 */
final class NotificationPages {

    static final int LOG_ROWS = 25;
    private static final List<String> FIELDS = List.of("host", "port", "security", "username", "from", "to", "trustedCertificate",
            "expiryDays", "busyPercent", "busyMinutes", "quietMinutes");

    private final Console console;
    private final Notifications notifications;

    NotificationPages(Console console, Notifications notifications) {
        this.console = console;
        this.notifications = notifications;
    }

    void register(RoutesConfig r) {
        r.get("/settings/notifications", console.page((ctx, a) -> show(ctx, a, formOf(notifications.settings()), hooksOf(notifications.settings()),
                null)));
        r.post("/settings/notifications", console.action(this::save));
        r.post("/settings/notifications/test", console.action(this::test));
    }

    private void show(Context ctx, ConsoleSession.Admin a, FormState form, List<Pages.HookRow> hooks, List<Pages.TestLine> test) {
        NotificationSettings stored = notifications.settings();
        List<Pages.EventChoice> events = Arrays.stream(AlertKind.values()).filter(k -> k != AlertKind.TEST)
                .map(k -> new Pages.EventChoice(k.code(), k.label(), form.is("event-" + k.code(), "true"))).toList();
        Fmt f = console.fmt;
        List<Pages.DeliveryRow> log = notifications.deliveries(null, LOG_ROWS).stream().map(d -> new Pages.DeliveryRow(
                f.time(d.createdAt()), d.kind(), d.channel(), d.target(), d.subject(), d.status(), d.attempts(),
                d.lastError() == null ? "" : d.lastError(), "pending".equals(d.status()) ? f.time(d.nextAttemptAt()) : "")).toList();
        console.render(ctx, "notifications.jte", new Pages.Notifications(console.shell(a, "Notifications", "settings"), form,
                stored.email() != null && stored.email().passwordSet(), hooks, events, test, log));
    }

    private static FormState formOf(NotificationSettings s) {
        FormState f = FormState.empty();
        NotificationSettings.Email e = s.email();
        if (e != null) {
            f.with("host", e.host()).with("port", String.valueOf(e.port())).with("security", e.security()).with("username", e.username())
                    .with("from", e.from()).with("to", String.join(", ", e.to())).with("trustedCertificate", e.trustedCertificate());
        } else {
            f.with("security", "starttls").with("port", "587");
        }
        for (String code : s.events()) {
            f.with("event-" + code, "true");
        }
        f.with("expiryDays", String.join(", ", s.expiryDays().stream().map(String::valueOf).toList()))
                .with("busyPercent", String.valueOf(s.busyPercent())).with("busyMinutes", String.valueOf(s.busyMinutes()))
                .with("quietMinutes", String.valueOf(s.quietMinutes()));
        return f;
    }

    /** The stored webhooks and one empty row to add another. */
    private static List<Pages.HookRow> hooksOf(NotificationSettings s) {
        List<Pages.HookRow> rows = new ArrayList<>();
        for (NotificationSettings.Webhook w : s.webhooks()) {
            rows.add(new Pages.HookRow(rows.size(), w.url(), w.secret() != null, null));
        }
        if (rows.size() < NotificationSettings.MAX_WEBHOOKS) {
            rows.add(new Pages.HookRow(rows.size(), "", false, null));
        }
        return rows;
    }

    /** The form as settings; what cannot be read goes next to its field. */
    private NotificationSettings read(Context ctx, FormState form, List<Pages.HookRow> hooks) {
        for (String field : FIELDS) {
            form.with(field, Console.trimmed(ctx, field));
        }
        List<String> events = new ArrayList<>();
        for (AlertKind k : AlertKind.values()) {
            if (k != AlertKind.TEST && ctx.formParam("event-" + k.code()) != null) {
                events.add(k.code());
                form.with("event-" + k.code(), "true");
            }
        }
        NotificationSettings stored = notifications.settings();
        List<NotificationSettings.Webhook> webhooks = new ArrayList<>();
        for (int i = 0; i < NotificationSettings.MAX_WEBHOOKS + 1; i++) {
            String url = Console.trimmed(ctx, "url" + i);
            String secret = Optional.ofNullable(ctx.formParam("secret" + i)).orElse("");
            if (ctx.formParam("url" + i) == null) {
                continue;
            }
            if (!url.isEmpty()) {
                webhooks.add(new NotificationSettings.Webhook(url, secret.isEmpty() ? null : secret));
                hooks.add(new Pages.HookRow(hooks.size(), url, stored.webhooks().stream().anyMatch(w -> w.url().equals(url)), null));
            }
        }
        if (hooks.size() < NotificationSettings.MAX_WEBHOOKS) {
            hooks.add(new Pages.HookRow(hooks.size(), "", false, null));
        }
        NotificationSettings.Email email = null;
        if (!form.value("host").isEmpty() || !form.value("to").isEmpty() || !form.value("from").isEmpty()) {
            String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
            email = new NotificationSettings.Email(form.value("host"), SettingsPages.intField(form, "port", null), form.value("security"),
                    form.value("username"),
                    password.isEmpty() ? null : password, form.value("from"),
                    Arrays.stream(form.value("to").split("[,;\\s]+")).filter(t -> !t.isBlank()).toList(), form.value("trustedCertificate"));
        }
        List<Integer> days = new ArrayList<>();
        for (String d : form.value("expiryDays").split("[,\\s]+")) {
            if (!d.isBlank()) {
                try {
                    days.add(Integer.parseInt(d));
                } catch (NumberFormatException e) {
                    form.error("expiryDays", "Give whole numbers of days, e.g. 30, 7, 1.");
                }
            }
        }
        NotificationSettings s = new NotificationSettings(email, webhooks, events, days, SettingsPages.intField(form, "busyPercent", null),
                SettingsPages.intField(form, "busyMinutes", null), SettingsPages.intField(form, "quietMinutes", null)).keepingSecretsOf(stored);
        for (String p : s.problems()) {
            String field = fieldOf(p);
            if (!form.hasError(field)) {
                form.error(field, SettingsPages.sentence(readable(p)));
            }
        }
        return s;
    }

    /** The form field a problem is about: "email.host: ..." is host, "busyPercent must ..." is busyPercent. */
    private static String fieldOf(String problem) {
        String head = problem.split("[ :]", 2)[0];
        String field = head.startsWith("email.") ? head.substring(6) : head;
        if (field.equals("password")) {
            return "username";
        }
        return FIELDS.contains(field) || field.equals("webhooks") || field.equals("events") ? field : "host";
    }

    /** A problem in the words of the form: its labels instead of the JSON names. */
    private static String readable(String problem) {
        return problem.replace("email.trustedCertificate", "trusted certificate").replace("email.", "")
                .replace("expiryDays", "days before expiry").replace("busyPercent", "busy share").replace("busyMinutes", "busy minutes")
                .replace("quietMinutes", "quiet period").replace("username", "user name");
    }

    private void save(Context ctx, ConsoleSession.Admin a) {
        FormState form = FormState.empty();
        List<Pages.HookRow> hooks = new ArrayList<>();
        NotificationSettings s = read(ctx, form, hooks);
        if (!form.hasErrors()) {
            NotificationSettings saved = new Actor(a.name(), ctx.ip()).call(() -> notifications.save(s));
            console.done(ctx, a, "/settings/notifications", saved.anyChannel()
                    ? "Saved the notification settings. Send a test to check that messages arrive."
                    : "Saved the notification settings. No e-mail server or webhook is set, so nothing is sent.");
            return;
        }
        ctx.status(422);
        show(ctx, a, form, hooks, null);
    }

    private void test(Context ctx, ConsoleSession.Admin a) {
        FormState form = FormState.empty();
        List<Pages.HookRow> hooks = new ArrayList<>();
        NotificationSettings s = read(ctx, form, hooks);
        List<Pages.TestLine> lines;
        if (form.hasErrors()) {
            lines = List.of(new Pages.TestLine(false, "", "", "Not sent: fix the fields marked below first."));
        } else if (!s.anyChannel()) {
            lines = List.of(new Pages.TestLine(false, "", "", "Not sent: give an e-mail server and recipients, or a webhook."));
        } else {
            lines = new Actor(a.name(), ctx.ip()).call(() -> notifications.sendTest(s)).stream()
                    .map(r -> new Pages.TestLine(r.ok(), r.channel(), r.target(), r.detail())).toList();
        }
        if (ctx.header("HX-Request") != null) {
            console.render(ctx, "notificationtest.jte", new Pages.NotificationTest(lines));
        } else {
            show(ctx, a, form, hooks, lines);
        }
    }
}
