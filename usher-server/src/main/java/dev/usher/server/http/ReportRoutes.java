package dev.usher.server.http;

import dev.usher.core.audit.AuditLog;
import dev.usher.core.audit.ChainCheck;
import dev.usher.core.seat.DenyReason;
import dev.usher.core.seat.SeatEvent;
import dev.usher.core.usage.RightSizing;
import dev.usher.core.usage.UsageRow;
import dev.usher.server.report.AuditExport;
import dev.usher.server.report.AuditRecorder;
import dev.usher.server.report.AuditQuery;
import dev.usher.server.audit.AuditTrail;
import dev.usher.server.report.ReportCsv;
import dev.usher.server.report.ReportQuery;
import dev.usher.server.report.ReportViews.AuditView;
import dev.usher.server.report.ReportViews.UsageView;
import dev.usher.server.report.ReportViews.UserDayView;
import dev.usher.server.report.UsageReport;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reports and the audit trail: usage per pool and step, per person, refusals, right-sizing, audit
 * queries and exports (JSON, JSON lines, CSV) and the chain check. Every route needs an administrator.
 */
public final class ReportRoutes {

    record DenialView(Instant at, String product, String feature, String user, String host, String sessionId, String reason,
                      String detail) {
        static DenialView of(SeatEvent e) {
            return new DenialView(e.at(), e.pool().product(), e.pool().feature(), e.user(), e.host(), e.sessionId(), e.reason(), e.detail());
        }
    }

    record RecordingBody(Boolean enabled) {}

    private static final Set<String> REASONS = java.util.Arrays.stream(DenyReason.values()).map(DenyReason::code)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private final UsageReport usage;
    private final AuditRecorder audit;
    private final AuditTrail trail;
    private final RequestAuth auth;
    private final Clock clock;

    public ReportRoutes(UsageReport usage, AuditRecorder audit, AuditTrail trail, RequestAuth auth, Clock clock) {
        this.usage = usage;
        this.audit = audit;
        this.trail = trail;
        this.auth = auth;
        this.clock = clock;
    }

    public void register(RoutesConfig r) {
        r.get("/api/v1/usage", auth.admin(this::usage));
        r.get("/api/v1/usage/users", auth.admin(this::users));
        r.get("/api/v1/usage/right-sizing", auth.admin(this::rightSizing));
        r.get("/api/v1/denials", auth.admin(this::denials));
        r.get("/api/v1/audit", auth.admin(this::audit));
        r.get("/api/v1/audit/verify", auth.admin(this::verify));
        r.get("/api/v1/audit/recording", auth.admin(ctx -> ctx.json(Map.of("enabled", audit.enabled()))));
        r.put("/api/v1/audit/recording", auth.admin(this::setRecording));
    }

    private ReportQuery query(Context ctx, UsageRow.Step defaultStep, Duration maxRange) {
        return ReportQuery.parse(ctx::queryParam, clock.instant(), defaultStep, maxRange);
    }

    private static boolean wants(Context ctx, String type) {
        String accept = ctx.header("Accept");
        return accept != null && Arrays.stream(accept.split(",")).anyMatch(a -> a.strip().startsWith(type));
    }

    /**
     * Refuses a parameter this report does not take: a filter that looks applied but is not would
     * give a wrong answer that seems right.
     */
    private static void notTaken(Context ctx, String param, String instead) {
        if (ctx.queryParam(param) != null) {
            throw ApiProblem.validation(param + " does not apply to " + ctx.path() + ": " + instead);
        }
    }

    private static final String PER_POOL = "it counts everyone in a pool; for one person use /api/v1/usage/users?user=";

    private void usage(Context ctx) {
        notTaken(ctx, "user", PER_POOL);
        ReportQuery q = query(ctx, UsageRow.Step.HOUR, null);
        List<UsageRow> rows = usage.usage(q);
        if (wants(ctx, "text/csv")) {
            csv(ctx, ReportCsv.usage(rows), "usage");
            return;
        }
        ctx.json(rows.stream().map(UsageView::of).toList());
    }

    private void users(Context ctx) {
        notTaken(ctx, "step", "it has one row per person, pool and day");
        ReportQuery q = query(ctx, UsageRow.Step.DAY, Duration.ofDays(800));
        List<UserDayView> days = usage.users(q).stream().map(UserDayView::of).toList();
        if (wants(ctx, "text/csv")) {
            csv(ctx, ReportCsv.users(usage.users(q)), "usage-users");
            return;
        }
        ctx.json(days);
    }

    private void rightSizing(Context ctx) {
        notTaken(ctx, "user", PER_POOL);
        notTaken(ctx, "step", "it reads minutes while they are kept, hours before that");
        // Default: the last 30 days, the kind of period a renewal is decided on.
        ReportQuery q = ReportQuery.parse(ctx::queryParam, clock.instant(), UsageRow.Step.MINUTE, UsageReport.MAX_RIGHT_SIZING,
                Duration.ofDays(30));
        RightSizing rs = usage.rightSizing(q);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("estimate", true);
        body.put("sentence", rs.estimate());
        body.put("product", rs.pool().product());
        body.put("feature", rs.pool().feature());
        body.put("from", rs.from());
        body.put("to", rs.to());
        body.put("unit", rs.unit());
        body.put("periods", rs.periods());
        body.put("owned", rs.owned());
        body.put("busiest", rs.busiestStart() == null ? null
                : Map.of("start", rs.busiestStart(), "used", rs.busiestUsed(), "refused", rs.busiestRefused()));
        body.put("servesEveryone", rs.servesAll());
        body.put("serves99Percent", rs.serves99());
        body.put("serves95Percent", rs.serves95());
        body.put("method", "per " + rs.unit() + ": seats in use at its busiest plus the people refused for want of a seat (while every"
                + " seat was in use; a limit rule's refusals are not demand); percentiles by nearest rank over the " + rs.unit()
                + "s of the period");
        ctx.json(body);
    }

    private void denials(Context ctx) {
        notTaken(ctx, "step", "it lists each refusal");
        ReportQuery q = query(ctx, UsageRow.Step.DAY, Duration.ofDays(36_600));
        String reason = ctx.queryParam("reason");
        if (reason != null && !REASONS.contains(reason)) {
            throw ApiProblem.validation("reason must be one of " + String.join(", ", REASONS.stream().sorted().toList()));
        }
        int limit = limit(ctx, 1000, 100_000);
        List<SeatEvent> events = usage.denials(q, reason, limit);
        if (wants(ctx, "text/csv")) {
            csv(ctx, ReportCsv.denials(events), "denials");
            return;
        }
        ctx.json(events.stream().map(DenialView::of).toList());
    }

    private static int limit(Context ctx, int dflt, int max) {
        String v = ctx.queryParam("limit");
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // the message below
        }
        throw ApiProblem.validation("limit must be a number between 1 and " + max);
    }

    private static void csv(Context ctx, String body, String name) {
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
        ctx.result(body);
    }

    private AuditLog.Filter auditFilter(Context ctx) {
        try {
            return AuditQuery.parse(ctx::queryParam, clock.instant());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.validation(e.getMessage());
        }
    }

    private void audit(Context ctx) throws IOException {
        AuditLog.Filter f = auditFilter(ctx);
        boolean ndjson = wants(ctx, "application/x-ndjson");
        boolean csv = !ndjson && wants(ctx, "text/csv");
        int limit = limit(ctx, ndjson || csv ? 10_000_000 : 1000, ndjson || csv ? 10_000_000 : 100_000);
        audit.tick(); // what happened up to this request is in the answer (when recording is on)
        String order = ctx.queryParam("order");
        if (order != null && !order.equals("oldest") && !order.equals("newest")) {
            throw ApiProblem.validation("order must be oldest (the default: in sequence) or newest (the latest records first)");
        }
        if (!ndjson && !csv) {
            List<AuditView> out = new ArrayList<>();
            if ("newest".equals(order)) {
                audit.log().newestFirst(f, Long.MAX_VALUE, limit).forEach(e -> out.add(AuditView.of(e)));
            } else {
                audit.log().forEach(f, limit, e -> out.add(AuditView.of(e)));
            }
            ctx.json(out);
            return;
        }
        ctx.contentType(ndjson ? "application/x-ndjson; charset=utf-8" : "text/csv; charset=utf-8");
        if (csv) {
            ctx.header("Content-Disposition", "attachment; filename=\"audit.csv\"");
        }
        // Streamed: an export of years of records never sits in memory.
        AuditExport.write(audit.log(), f, limit, csv, ctx.outputStream());
    }

    private void verify(Context ctx) {
        audit.tick();
        ChainCheck.Result r = audit.log().verify();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", r.ok());
        body.put("checked", r.checked());
        body.put("brokenAt", r.brokenAt());
        body.put("detail", r.problem());
        AuditLog.Head head = audit.log().head();
        body.put("headSeq", head.seq()); // note it elsewhere: a later verify proves nothing before it was rewritten
        body.put("headHash", head.hash());
        body.put("recording", audit.enabled());
        body.put("pending", audit.log().backlog());
        ctx.json(body);
    }

    private void setRecording(Context ctx) {
        RecordingBody b = JsonCodec.read(ctx, RecordingBody.class);
        if (b.enabled() == null) {
            throw ApiProblem.validation("send {\"enabled\": true} or {\"enabled\": false}");
        }
        boolean was = audit.enabled();
        audit.setEnabled(b.enabled());
        if (was != b.enabled()) {
            trail.record("audit-recording", "audit trail", b.enabled() ? "turned on (the backlog is chained now)"
                    : "turned off: events are kept and chained when it is turned on again");
        }
        if (b.enabled()) {
            audit.tick();
        }
        ctx.json(Map.of("enabled", audit.enabled()));
    }
}
