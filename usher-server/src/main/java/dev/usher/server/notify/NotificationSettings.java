package dev.usher.server.notify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.usher.core.notify.AlertKind;
import dev.usher.core.notify.ExpiryAlerts;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where notifications go and which events send them, stored as JSON under the settings key
 * {@value #SETTINGS_KEY} (every node reads the same). Missing members take their defaults, so a
 * document written by an older version keeps working.
 *
 * <p>Secrets (the SMTP password, each webhook's HMAC secret) never leave the server: API answers and
 * the console use {@link #redacted()}, and a secret sent back as null keeps the stored one
 * ({@link #keepingSecretsOf}), so nobody has to know a secret to change another field.
 *
 * @param email        null: no e-mail
 * @param webhooks     each receives every event as a signed JSON POST
 * @param events       the kinds that send messages (codes, e.g. {@code license-expiring}); default all
 * @param expiryDays   announce an expiring license this many days before (each threshold once)
 * @param busyPercent  a pool is busy at this share of its capacity or more ...
 * @param busyMinutes  ... for this many minutes in a row
 * @param quietMinutes at most one message per pool and this period about refusals and busy pools
 */
public record NotificationSettings(Email email, List<Webhook> webhooks, List<String> events, List<Integer> expiryDays,
                                   Integer busyPercent, Integer busyMinutes, Integer quietMinutes) {

    public static final String SETTINGS_KEY = "notifications";
    public static final int MAX_WEBHOOKS = 10;
    public static final int MAX_RECIPIENTS = 20;
    public static final int MIN_SECRET = 16;
    public static final NotificationSettings NONE = new NotificationSettings(null, null, null, null, null, null, null);

    /** {@code security}: {@code starttls} (port 587, the default), {@code tls} (implicit, port 465) or {@code none}. */
    public record Email(String host, Integer port, String security, String username, String password, String from, List<String> to,
                        String trustedCertificate) {
        public Email {
            host = blank(host);
            security = security == null || security.isBlank() ? "starttls" : security.strip().toLowerCase(Locale.ROOT);
            port = port == null || port == 0 ? ("tls".equals(security) ? 465 : 587) : port;
            username = blank(username);
            password = password == null || password.isEmpty() ? null : password;
            from = blank(from);
            to = to == null ? List.of() : to.stream().map(NotificationSettings::blank).filter(s -> s != null).toList();
            trustedCertificate = blank(trustedCertificate);
        }

        @JsonIgnore
        public boolean passwordSet() {
            return password != null;
        }

        Email withPassword(String p) {
            return new Email(host, port, security, username, p, from, to, trustedCertificate);
        }

        @Override
        public String toString() {
            return "Email[" + host + ":" + port + " " + security + ", user " + username + ", password " + (password == null ? "(none)" : "(set)")
                    + ", from " + from + ", to " + to + "]";
        }
    }

    public record Webhook(String url, String secret) {
        public Webhook {
            url = blank(url);
            secret = secret == null || secret.isEmpty() ? null : secret;
        }

        @Override
        public String toString() {
            return "Webhook[" + url + ", secret " + (secret == null ? "(none)" : "(set)") + "]";
        }
    }

    /** As the API shows the settings: secrets null, with whether one is stored. */
    public record Redacted(RedactedEmail email, List<RedactedWebhook> webhooks, List<String> events, List<Integer> expiryDays,
                           int busyPercent, int busyMinutes, int quietMinutes) {}

    public record RedactedEmail(String host, int port, String security, String username, boolean passwordSet, String from,
                                List<String> to, String trustedCertificate) {}

    public record RedactedWebhook(String url, boolean secretSet) {}

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>,;\"]{1,64}@[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?");
    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public NotificationSettings {
        // A webhook without its URL is kept, for problems() to name (the console leaves its blank rows out itself).
        webhooks = webhooks == null ? List.of() : List.copyOf(webhooks.stream().filter(w -> w != null).toList());
        events = events == null ? Arrays.stream(AlertKind.values()).filter(k -> k != AlertKind.TEST).map(AlertKind::code).toList()
                : List.copyOf(new LinkedHashSet<>(events.stream().map(e -> e == null ? "" : e.strip()).toList()));
        expiryDays = expiryDays == null || expiryDays.isEmpty() ? ExpiryAlerts.DEFAULT_DAYS
                : List.copyOf(new LinkedHashSet<>(expiryDays.stream().map(d -> d == null ? 0 : d).sorted((a, b) -> b - a).toList()));
        // Left out: the default. 0 is not "the default" but out of range, and problems() says so.
        busyPercent = busyPercent == null ? 90 : busyPercent;
        busyMinutes = busyMinutes == null ? 15 : busyMinutes;
        quietMinutes = quietMinutes == null ? 60 : quietMinutes;
    }

    /** True when messages have somewhere to go. */
    @JsonIgnore
    public boolean anyChannel() {
        return email != null || !webhooks.isEmpty();
    }

    public boolean sends(AlertKind kind) {
        return kind == AlertKind.TEST || events.contains(kind.code());
    }

    /** What is wrong, one sentence per problem naming the field ({@code email.host ...}); empty when usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (email != null) {
            emailProblems(email, problems);
        }
        if (webhooks.size() > MAX_WEBHOOKS) {
            problems.add("webhooks: at most " + MAX_WEBHOOKS + " webhooks (got " + webhooks.size() + ")");
        }
        Set<String> urls = new LinkedHashSet<>();
        for (Webhook w : webhooks) {
            if (w.url() == null) {
                problems.add("webhooks: every webhook needs its url (http:// or https://)");
                continue;
            }
            if (!urls.add(w.url())) {
                problems.add("webhooks: " + w.url() + " is listed twice");
            }
            URI u = null;
            try {
                u = URI.create(w.url());
            } catch (IllegalArgumentException e) {
                // said below
            }
            if (w.url().length() > 2000 || u == null || u.getHost() == null
                    || !("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme())) || u.getUserInfo() != null) {
                problems.add("webhooks: '" + printable(w.url()) + "' is not an http:// or https:// URL with a host (and no user:password in it)");
            }
            if (w.secret() == null || w.secret().length() < MIN_SECRET || w.secret().length() > 256) {
                problems.add("webhooks: the secret of " + printable(w.url()) + " must be " + MIN_SECRET + " to 256 characters:"
                        + " receivers check every request's signature with it");
            }
        }
        for (String e : events) {
            try {
                if (AlertKind.fromCode(e) == AlertKind.TEST) {
                    problems.add("events: 'test' is not an event to choose: a test is sent on request");
                }
            } catch (IllegalArgumentException x) {
                problems.add("events: " + x.getMessage());
            }
        }
        if (expiryDays.size() > 5 || expiryDays.stream().anyMatch(d -> d < 1 || d > 365)) {
            problems.add("expiryDays: one to five numbers of days, each 1-365 (e.g. 30, 7, 1)");
        }
        range(problems, "busyPercent", busyPercent, 1, 100, "percent of a pool's seats");
        range(problems, "busyMinutes", busyMinutes, 1, 1440, "minutes");
        range(problems, "quietMinutes", quietMinutes, 1, 10080, "minutes (a week at most)");
        return List.copyOf(problems);
    }

    private static void emailProblems(Email e, List<String> problems) {
        if (e.host() == null || !HOST.matcher(e.host()).matches()) {
            problems.add("email.host: give the SMTP server's host name, e.g. smtp.corp.example");
        }
        range(problems, "email.port", e.port(), 1, 65535, "");
        if (!List.of("starttls", "tls", "none").contains(e.security())) {
            problems.add("email.security must be starttls, tls or none");
        }
        if (e.username() != null && e.password() == null) {
            problems.add("email.password is required with email.username");
        }
        if (e.username() != null && "none".equals(e.security())) {
            problems.add("email.security none cannot be combined with email.username: a password is never sent in clear (use starttls or tls)");
        }
        if (e.from() == null || !ADDRESS.matcher(e.from()).matches()) {
            problems.add("email.from: give the sender's address, e.g. usher@corp.example");
        }
        if (e.to().isEmpty() || e.to().size() > MAX_RECIPIENTS) {
            problems.add("email.to: give 1 to " + MAX_RECIPIENTS + " recipients");
        }
        for (String to : e.to()) {
            if (!ADDRESS.matcher(to).matches()) {
                problems.add("email.to: '" + printable(to) + "' is not an e-mail address");
            }
        }
        if (e.trustedCertificate() != null) {
            try {
                Certificates.read(e.trustedCertificate());
            } catch (IllegalArgumentException x) {
                problems.add("email.trustedCertificate: " + x.getMessage());
            }
        }
    }

    private static void range(List<String> problems, String field, int v, int min, int max, String unit) {
        if (v < min || v > max) {
            problems.add(field + " must be " + min + "-" + max + (unit.isEmpty() ? "" : " " + unit) + " (got " + v + ")");
        }
    }

    /** For API responses and the console: no secret, whether each is set. */
    public Redacted redacted() {
        return new Redacted(email == null ? null : new RedactedEmail(email.host(), email.port(), email.security(), email.username(),
                email.passwordSet(), email.from(), email.to(), email.trustedCertificate()),
                webhooks.stream().map(w -> new RedactedWebhook(w.url(), w.secret() != null)).toList(), events, expiryDays,
                busyPercent, busyMinutes, quietMinutes);
    }

    /**
     * These settings as an administrator sent them, with stored secrets kept where they left one out: the
     * SMTP password for the same server and user, a webhook's secret for the same URL.
     */
    public NotificationSettings keepingSecretsOf(NotificationSettings stored) {
        Email e = email;
        if (e != null && e.password() == null && e.username() != null && stored.email() != null && stored.email().password() != null
                && e.username().equals(stored.email().username()) && e.host() != null && e.host().equalsIgnoreCase(stored.email().host())) {
            e = e.withPassword(stored.email().password());
        }
        List<Webhook> hooks = webhooks.stream().map(w -> w.secret() != null ? w : stored.webhooks().stream()
                .filter(s -> s.url().equals(w.url())).findFirst().map(s -> new Webhook(w.url(), s.secret())).orElse(w)).toList();
        return new NotificationSettings(e, hooks, events, expiryDays, busyPercent, busyMinutes, quietMinutes);
    }

    public String toJson() {
        return JSON.writeValueAsString(this);
    }

    /** @throws IllegalArgumentException when the text is not a JSON object of these settings */
    public static NotificationSettings fromJson(String json) {
        try {
            NotificationSettings s = JSON.readValue(json, NotificationSettings.class);
            if (s == null) {
                throw new IllegalArgumentException("the notification settings are null: send a JSON object");
            }
            return s;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the notification settings are not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "NotificationSettings[email=" + (email == null ? "none" : email.host() + ":" + email.port() + " to " + email.to())
                + ", webhooks=" + webhooks.stream().map(Webhook::url).toList() + ", events=" + events + "]";
    }

    static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String printable(String s) {
        String cut = s.length() > 60 ? s.substring(0, 60) + "…" : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
