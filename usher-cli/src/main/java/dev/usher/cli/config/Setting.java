package dev.usher.cli.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of {@code usher serve}, once: its key in {@code usher.properties}, its flag, its
 * {@code USHER_*} variable, its type, default and meaning. The flags of {@code ServeCommand}, the
 * file check, {@code docs/CONFIGURATION.md} and the shipped {@code conf/usher.properties} all come
 * from this table (tests hold them to it).
 *
 * <p>Precedence: default &lt; file &lt; environment &lt; flag.
 */
public enum Setting {
    DB_URL("db.url", "--db", "USHER_DB_URL", new ValueType.DatabaseUrl(), "",
            "Share a PostgreSQL (14+) database with other Usher nodes for high availability (also jdbc:postgresql://...)."
                    + " Empty: the embedded SQLite file in the data directory. Holds a password: prefer the variable or a file"
                    + " only the server's user can read. See docs/HA.md."),
    DATA("data", "--data", "USHER_DATA", new ValueType.FilePath(), "data",
            "Data directory: the SQLite database, trusted vendor keys, the lock file. Relative to the working directory"
                    + " (or, in a file given with --config, to that file). Not settable in DATA/usher.properties itself."),
    HOST("host", "--host", "USHER_HOST", new ValueType.Text(1), "0.0.0.0",
            "Interface to listen on; 0.0.0.0 is every interface, as a LAN server wants."),
    PORT("port", "--port", "USHER_PORT", new ValueType.Number(0, 65535, ""), "9780",
            "HTTP port; 0 picks a free one."),
    LEASE_TTL("lease.ttl", "--lease-ttl", "USHER_LEASE_TTL", new ValueType.Number(3, 86400, "seconds"), "120",
            "How long a seat is kept without a heartbeat. Clients heartbeat every third of it."),
    SWEEP_INTERVAL("sweep.interval", "--sweep-interval", "USHER_SWEEP_INTERVAL", new ValueType.Number(1, 3600, "seconds"), "5",
            "How often lapsed leases are collected: a crashed client's seat returns within lease.ttl plus this."),
    TRUSTED_KEYS("trusted.keys", "--trusted-keys", "USHER_TRUSTED_KEYS", new ValueType.PathList(), "",
            "More directories of trusted vendor public keys, besides DATA/trusted-keys (the flag is repeatable)."),
    AUTH_MODE("auth.mode", "--auth-mode", "USHER_AUTH_MODE", new ValueType.Choice(List.of("open", "session", "token")), "",
            "How clients prove who they are, set at start (stored: later starts keep it). Empty: the stored mode, session"
                    + " for a new installation; demo implies open."),
    KEEP_DOMAINS("keep.domains", "--keep-domains", "USHER_KEEP_DOMAINS", new ValueType.Flag(), "false",
            "Treat DOMAIN\\user, user@domain and user as different people."),
    DEMO("demo", "--demo", "USHER_DEMO", new ValueType.Flag(), "false",
            "Create a demo vendor key and a license for product 'demo' (25 'cal' seats) and serve in open mode."),
    ADMIN_TOKEN("admin.token", null, "USHER_ADMIN_TOKEN", new ValueType.Text(16), "",
            "The admin token to set at first start (16+ characters); empty: generated and printed once. A secret: keep"
                    + " the file readable only by the server's user, or use the variable."),
    ADMIN_PASSWORD("admin.password", null, "USHER_ADMIN_PASSWORD", new ValueType.Text(1), "",
            "The first administrator's password (user admin) at first start; empty: generated and printed once. A secret."),
    TLS_CERT("tls.cert", "--tls-cert", "USHER_TLS_CERT", new ValueType.FilePath(), "",
            "PEM certificate chain (server certificate first). With tls.key, turns HTTPS on."),
    TLS_KEY("tls.key", "--tls-key", "USHER_TLS_KEY", new ValueType.FilePath(), "",
            "PEM private key of that certificate: PKCS#8, PKCS#1 (RSA) or SEC1 (EC), unencrypted."),
    HTTPS_PORT("https.port", "--https-port", "USHER_HTTPS_PORT", new ValueType.Number(0, 65535, ""), "9785",
            "HTTPS port, when HTTPS is on."),
    HTTP_REDIRECT("http.redirect", "--http-redirect", "USHER_HTTP_REDIRECT", new ValueType.Flag(), "false",
            "Answer plain HTTP with a redirect to HTTPS (except /healthz and /readyz); off: HTTP keeps serving too."),
    AUDIT("audit", "--audit", "USHER_AUDIT", new ValueType.Choice(List.of("on", "off")), "on",
            "Chain admin actions and seat events into the audit trail. Off only to measure its cost: events are kept and"
                    + " chained when it is on again (also at runtime with PUT /api/v1/audit/recording)."),
    KEEP_MINUTES("keep.minutes", "--keep-minutes", "USHER_KEEP_MINUTES", new ValueType.Number(1, 36500, "days"), "35",
            "Keep per-minute usage history this many days."),
    KEEP_HOURS("keep.hours", "--keep-hours", "USHER_KEEP_HOURS", new ValueType.Number(1, 36500, "days"), "730",
            "Keep per-hour usage and per-person days this many days."),
    KEEP_DAYS("keep.days", "--keep-days", "USHER_KEEP_DAYS", new ValueType.NumberOr(new ValueType.Number(1, 36500, "days"), "forever"), "forever",
            "Keep per-day usage this many days, or forever."),
    LOG_FORMAT("log.format", "--log-format", "USHER_LOG_FORMAT", new ValueType.Choice(List.of("human", "json")), "human",
            "Log lines for people, or one JSON object per line for a log collector."),
    ACCESS_LOG("access.log", "--access-log", "USHER_ACCESS_LOG", new ValueType.Choice(List.of("all", "errors", "off")), "errors",
            "Access-log lines (logger usher.access) for every request, only refused or failed ones, or none. All writes a"
                    + " line per heartbeat: size the log for it."),
    METRICS_TOKEN("metrics.token", null, "USHER_METRICS_TOKEN", new ValueType.Text(16), "",
            "When set, GET /metrics needs 'Authorization: Bearer TOKEN' (16+ printable characters); empty: open, as"
                    + " Prometheus scrape targets usually are. A secret."),
    OIDC_ISSUER("oidc.issuer", null, "USHER_OIDC_ISSUER", new ValueType.Text(1), "",
            "Console sign-in through the company's OpenID Connect provider: its issuer URL (https://), exactly as its"
                    + " discovery document states it. Set: stored at start (the console and the API change it until the next"
                    + " start); empty: the stored settings. See the README's OIDC section."),
    OIDC_CLIENT_ID("oidc.client.id", null, "USHER_OIDC_CLIENT_ID", new ValueType.Text(1), "",
            "The client registered for Usher at the provider (its redirect URI: https://USHER/login/oidc/callback)."),
    OIDC_CLIENT_SECRET("oidc.client.secret", null, "USHER_OIDC_CLIENT_SECRET", new ValueType.Text(1), "",
            "That client's secret; empty: a public client (PKCE alone), or the secret stored before. A secret."),
    OIDC_NAME("oidc.name", null, "USHER_OIDC_NAME", new ValueType.Text(1), "",
            "What the sign-in button says: Sign in with NAME. Empty: the issuer's host name."),
    OIDC_SCOPES("oidc.scopes", null, "USHER_OIDC_SCOPES", new ValueType.Text(1), "openid profile email",
            "Scopes to ask for, separated by spaces; must include openid."),
    OIDC_USERNAME_CLAIM("oidc.username.claim", null, "USHER_OIDC_USERNAME_CLAIM", new ValueType.Text(1), "preferred_username",
            "The ID token claim that holds the user name (resolved through aliases like every name)."),
    OIDC_GROUPS_CLAIM("oidc.groups.claim", null, "USHER_OIDC_GROUPS_CLAIM", new ValueType.Text(1), "groups",
            "The ID token claim listing the person's groups; roles whose directory group is among them get the person,"
                    + " as LDAP groups do."),
    OIDC_ADMIN_GROUP("oidc.admin.group", null, "USHER_OIDC_ADMIN_GROUP", new ValueType.Text(1), "",
            "Members of this group are administrators (besides the directory group of the Administrators role)."),
    OIDC_REDIRECT_URI("oidc.redirect.uri", null, "USHER_OIDC_REDIRECT_URI", new ValueType.Text(1), "",
            "The redirect URI registered at the provider, when the browser's address of Usher is not its own (a proxy);"
                    + " empty: the address the browser used, plus /login/oidc/callback."),
    // Notifications (docs/NOTIFICATIONS.md). Stored for every node and editable in the console (Settings > Notifications)
    // and the API; a key set here replaces the stored value at every start.
    NOTIFY_SMTP_HOST("notify.smtp.host", null, "USHER_NOTIFY_SMTP_HOST", new ValueType.Text(1), "",
            "SMTP server for e-mail notifications, e.g. smtp.corp.example. Set here (as every notify.* key), it replaces the value"
                    + " stored from the console at each start; leave it out to manage it there."),
    NOTIFY_SMTP_PORT("notify.smtp.port", null, "USHER_NOTIFY_SMTP_PORT", new ValueType.Number(1, 65535, ""), "",
            "SMTP port; empty: 587 for starttls, 465 for tls."),
    NOTIFY_SMTP_SECURITY("notify.smtp.security", null, "USHER_NOTIFY_SMTP_SECURITY",
            new ValueType.Choice(List.of("starttls", "tls", "none")), "",
            "starttls (required, not merely tried; the default), tls (implicit, port 465) or none (a relay on a trusted network,"
                    + " without a password)."),
    NOTIFY_SMTP_USER("notify.smtp.user", null, "USHER_NOTIFY_SMTP_USER", new ValueType.Text(1), "",
            "User name for SMTP authentication; empty: no authentication."),
    NOTIFY_SMTP_PASSWORD("notify.smtp.password", null, "USHER_NOTIFY_SMTP_PASSWORD", new ValueType.Text(1), "",
            "Password for SMTP authentication. A secret: never shown by the console or the API."),
    NOTIFY_SMTP_CA("notify.smtp.ca", null, "USHER_NOTIFY_SMTP_CA", new ValueType.FilePath(), "",
            "PEM certificate to trust for the SMTP server besides the Java runtime's authorities (self-signed or company CA)."),
    NOTIFY_EMAIL_FROM("notify.email.from", null, "USHER_NOTIFY_EMAIL_FROM", new ValueType.Text(3), "",
            "Sender address of notification e-mails, e.g. usher@corp.example."),
    NOTIFY_EMAIL_TO("notify.email.to", null, "USHER_NOTIFY_EMAIL_TO", new ValueType.TextList(), "",
            "Recipients of notification e-mails, comma-separated (at most 20)."),
    NOTIFY_WEBHOOK_URL("notify.webhook.url", null, "USHER_NOTIFY_WEBHOOK_URL", new ValueType.Text(8), "",
            "A webhook that receives every event as a JSON POST signed with HMAC-SHA256 (replaces the stored webhooks; the"
                    + " console takes up to 10)."),
    NOTIFY_WEBHOOK_SECRET("notify.webhook.secret", null, "USHER_NOTIFY_WEBHOOK_SECRET", new ValueType.Text(16), "",
            "The webhook's HMAC secret (16+ characters). A secret: never shown by the console or the API."),
    NOTIFY_EVENTS("notify.events", null, "USHER_NOTIFY_EVENTS", new ValueType.TextList(), "",
            "Events that send messages, comma-separated: license-expiring, pool-busy, seats-refused, doctor-finding,"
                    + " audit-broken, node-gone. Empty: all."),
    NOTIFY_EXPIRY_DAYS("notify.expiry.days", null, "USHER_NOTIFY_EXPIRY_DAYS", new ValueType.NumberList(1, 365, "days"), "30,7,1",
            "Announce a license (or pool) this many days before it expires; one message per threshold crossed."),
    NOTIFY_BUSY_PERCENT("notify.busy.percent", null, "USHER_NOTIFY_BUSY_PERCENT", new ValueType.Number(1, 100, "percent"), "90",
            "A pool is busy with this share of its seats in use or more ..."),
    NOTIFY_BUSY_MINUTES("notify.busy.minutes", null, "USHER_NOTIFY_BUSY_MINUTES", new ValueType.Number(1, 1440, "minutes"), "15",
            "... every minute for this many minutes in a row."),
    NOTIFY_QUIET_MINUTES("notify.quiet.minutes", null, "USHER_NOTIFY_QUIET_MINUTES", new ValueType.Number(1, 10080, "minutes"), "60",
            "At most one message per pool in this period about refusals, and about a pool that stays busy.");

    private final String key;
    private final String flag;
    private final String env;
    private final ValueType type;
    private final String defaultValue;
    private final String description;

    Setting(String key, String flag, String env, ValueType type, String defaultValue, String description) {
        this.key = key;
        this.flag = flag;
        this.env = env;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    /**
     * The command-line flag, if the setting has one (secrets do not: a command line is visible to every user; nor does the
     * identity provider, set once in the file or the console).
     */
    public Optional<String> flag() {
        return Optional.ofNullable(flag);
    }

    public String env() {
        return env;
    }

    public ValueType type() {
        return type;
    }

    /** The default as text; empty means "not set". */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean secret() {
        return this == ADMIN_TOKEN || this == ADMIN_PASSWORD || this == METRICS_TOKEN || this == DB_URL || this == OIDC_CLIENT_SECRET
                || this == NOTIFY_SMTP_PASSWORD || this == NOTIFY_WEBHOOK_SECRET;
    }

    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    /** The known key closest to a misspelt one, if any is close enough to be what was meant. */
    public static Optional<String> closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Setting s : values()) {
            for (String candidate : new String[] {s.key, s.flag == null ? null : s.flag.substring(2), s.env}) {
                if (candidate == null) {
                    continue;
                }
                int d = distance(key.toLowerCase(java.util.Locale.ROOT), candidate.toLowerCase(java.util.Locale.ROOT));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = s.key;
                }
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance, with '-', '_' and '.' counting as the same (lease-ttl, lease_ttl, lease.ttl). */
    static int distance(String a, String b) {
        a = a.replace('-', '.').replace('_', '.');
        b = b.replace('-', '.').replace('_', '.');
        if (a.startsWith("usher.")) {
            a = a.substring(6);
        }
        return dev.usher.core.text.EditDistance.levenshtein(a, b);
    }
}
