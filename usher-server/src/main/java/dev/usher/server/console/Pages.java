package dev.usher.server.console;

import java.util.List;
import java.util.Map;

/** What each console template shows: plain values, computed by the routes, so templates only lay out. */
public final class Pages {

    private Pages() {
    }

    /** The frame of every page: title, navigation, who is signed in, their CSRF token, a one-shot notice. */
    public record Shell(String title, String nav, String user, String csrf, String notice, Fmt fmt, String version,
                        StaticAssets.Assets assets) {
        public boolean signedIn() {
            return user != null;
        }
    }

    /** @param provider what "Sign in with …" names; null when no identity provider is set up */
    public record Login(Shell shell, FormState form, String error, String provider) {
        /** The "Sign in with …" link, taking the page to open afterwards along. */
        public String providerHref() {
            String next = form.value("next");
            return next.isEmpty() ? "/login/oidc" : "/login/oidc?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Signed in through the identity provider: the page moves on to {@code next} by itself. */
    public record Continue(Shell shell, String next) {}

    public record Problem(Shell shell, String heading, String message, String back) {}

    /** A confirmation before a destructive action: what it will do, and the form that does it. */
    public record Confirm(Shell shell, String heading, String explanation, List<String> details, String action,
                          String button, String cancel, boolean askReason, FormState form, Map<String, String> hidden) {}

    // ---- dashboard -----------------------------------------------------------------------------

    public record Dashboard(Shell shell, Live live) {}

    public record Live(List<PoolRow> pools, List<Warning> warnings, int sessions, int seats, String updated, String zone) {}

    /** {@code level} is {@code danger} or {@code warn}; {@code link} where to fix it, or null. */
    public record Warning(String level, String message, String link, String linkText) {}

    public record PoolRow(String product, String feature, int capacity, int inUse, int peakToday, int denialsToday,
                          String nextExpiry, String nextExpiryAgo, String server, boolean over, int usedPercent,
                          int peakPercent, int borrowed, int waiting) {}

    // ---- licenses ------------------------------------------------------------------------------

    public record Licenses(Shell shell, List<LicenseRow> licenses, String installationId, List<KeyRow> trustedKeys,
                           String keysProblem, FormState form, FormState keyForm) {}

    /**
     * {@code statusClass} is ok, warn or bad; {@code notes}: supersedes / superseded by, and warnings such as a
     * server entitlement valid on any installation.
     */
    public record LicenseRow(String id, String customer, String issued, String added, String status, String statusLabel,
                             String statusDetail, String statusClass, String keyId, List<EntitlementRow> entitlements,
                             List<String> notes) {}

    /** {@code loud}: a server entitlement for any installation, shown as a warning. */
    public record EntitlementRow(String what, String seats, String starts, String expires, String state, boolean loud) {}

    /** A trusted vendor key with the products it may license; {@code warnings}: old key file, conflicts. */
    public record KeyRow(String keyId, String vendor, String products, int licenses, String file, List<String> warnings) {}

    // ---- seats ---------------------------------------------------------------------------------

    public record Seats(Shell shell, List<SeatRow> seats, String q, String pool, List<String> pools, Pager pager, int heldTotal,
                        List<LoanRow> loans, List<WaitRow> waiting) {}

    public record SeatRow(String seatId, String pool, String user, String since, String sinceAgo, String lingerUntil,
                          List<SessionRow> sessions) {}

    public record SessionRow(String sessionId, String host, String client, String since, String lastHeartbeat,
                             String lastHeartbeatAgo, String leaseExpires) {}

    // ---- users and roles -------------------------------------------------------------------------

    /** {@code roles}: what the people ticked can be added to. */
    public record Users(Shell shell, List<UserRow> users, String q, Pager pager, FormState form, List<RoleRef> roles) {}

    /** People nobody has seen for {@code days}: who a purge would delete ({@code ids}, comma-separated). */
    public record Stray(Shell shell, FormState form, List<StrayRow> people, int days, String ids) {}

    public record StrayRow(long id, String name, String source, String lastSeen, String created) {}

    public record UserRow(long id, String name, String displayName, String email, String source, boolean enabled,
                          String lastSeen, String created, List<String> aliases, List<String> roles) {}

    public record RoleRef(long id, String name, boolean builtIn) {}

    public record UserDetail(Shell shell, UserRow user, List<RoleRef> memberOf, List<RoleRef> otherRoles, int seatsHeld,
                             FormState form) {}

    public record MergePreview(Shell shell, UserRow into, UserRow from, List<String> aliasesMoving, List<String> rolesMoving,
                               int seatsOfFrom, String note) {}

    public record Roles(Shell shell, List<RoleRow> roles, FormState form) {}

    public record RoleRow(long id, String name, String builtIn, String ldapGroup, int members) {}

    /** {@code ageSeconds}: how old the findings are (they are kept for two minutes: the doctor reads every user). */
    public record Doctor(Shell shell, List<FindingRow> findings, long ageSeconds) {}

    /** {@code mergePreview}: where a merge proposed for a machine name is previewed and done, or null. */
    public record FindingRow(int index, String kind, String problem, String fix, List<String> commands, String fixLabel,
                             String mergePreview) {}

    // ---- assignments -----------------------------------------------------------------------------

    /** {@code userNames}: offered while typing a user into a rule. */
    public record Assignments(Shell shell, List<PoolRules> pools, List<String> roleNames, List<String> userNames, Explain explain) {}

    public record PoolRules(String product, String feature, int capacity, long version, List<RuleRow> rows,
                            List<String> problems, String summary, boolean saved) {
        public String id() {
            return (product + "-" + feature).replaceAll("[^A-Za-z0-9_-]", "_");
        }
    }

    /** One editable rule: kind, the roles picked, the users named (comma-separated), seats. */
    public record RuleRow(int index, String kind, List<String> roles, String users, String seats, String error) {
        static RuleRow blank(int index) {
            return new RuleRow(index, "", List.of(), "", "", null);
        }
    }

    public record Explain(String user, String pool, List<String> pools, String outcome, String code, String detail, String error) {
        public boolean asked() {
            return outcome != null || error != null;
        }
    }

    // ---- settings ------------------------------------------------------------------------------

    public record Settings(Shell shell, FormState auth, FormState ldap, boolean ldapConfigured, boolean ldapPasswordSet,
                           ConnectionTest ldapTest, FormState oidc, boolean oidcConfigured, boolean oidcSecretSet,
                           ConnectionTest oidcTest, List<PoolPolicy> pools, String leaseTtl, String heartbeat) {}

    /** What "Test connection" found, for the LDAP directory or the identity provider. */
    public record ConnectionTest(boolean ok, String message) {}

    /** As entered (numbers as text, so a wrong one is shown back as typed). */
    public record PoolPolicy(String product, String feature, String policy, String lingerSeconds, boolean borrowAllowed,
                             String borrowMaxDays, String borrowFloor, String error) {
        public String id() {
            return (product + "-" + feature).replaceAll("[^A-Za-z0-9_-]", "_");
        }
    }

    /** Settings › Notifications; {@code test}: what "send a test" did (null: not asked). */
    public record Notifications(Shell shell, FormState form, boolean passwordSet, List<HookRow> hooks, List<EventChoice> events,
                                List<TestLine> test, List<DeliveryRow> log) {}

    public record HookRow(int index, String url, boolean secretSet, String error) {}

    public record EventChoice(String code, String label, boolean on) {}

    public record TestLine(boolean ok, String channel, String target, String detail) {}

    public record NotificationTest(List<TestLine> lines) {}

    public record DeliveryRow(String at, String event, String channel, String target, String subject, String status, int attempts,
                              String lastError, String nextAttempt) {}

    // ---- reports and audit -----------------------------------------------------------------------

    /**
     * {@code chartSvg}: the usage chart, drawn and escaped by {@link UsageChart}; {@code params}: the
     * report's query (encoded) for the CSV links; {@code error}: why the period or pool was refused.
     */
    public record Reports(Shell shell, List<String> pools, String pool, String period, String from, String to, String error,
                          String chartSvg, String step, List<UsagePoint> points, List<TopUser> topUsers,
                          List<DenialRow> denials, Estimate estimate, Pager denialPager, String params, String estimateError) {}

    public record UsagePoint(String start, int capacity, int peak, String average, int grants, int denied, int users) {}

    public record TopUser(String user, String seatHours, int sessions, int days) {}

    public record DenialRow(String at, String user, String host, String reason, String detail) {}

    /** The right-sizing estimate: the sentence, and the numbers next to what is owned. */
    public record Estimate(String sentence, int owned, int servesAll, int serves99, int serves95, String unit, int periods) {}

    /** {@code next}: the link to older records, or null; {@code verify}: the chain check when asked for. */
    public record Audit(Shell shell, FormState filter, List<AuditRow> rows, String next, String first, String params,
                        String error, Verify verify) {}

    public record AuditRow(long seq, String at, String kind, String type, String actor, String source, String target,
                           String pool, String user, String detail) {}

    public record Verify(boolean ok, long checked, Long brokenAt, String detail, long headSeq) {}

    // ---- borrowing and the waiting line ----------------------------------------------------------

    public record LoanRow(String seatId, String pool, String user, String until, String untilAgo) {}

    public record WaitRow(String pool, int position, String user, String host, String since, String waitsUntil) {}
}
