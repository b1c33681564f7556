package dev.usher.server.console;

import dev.usher.core.audit.AuditEntry;
import dev.usher.core.audit.AuditLog;
import dev.usher.core.audit.ChainCheck;
import dev.usher.server.report.AuditExport;
import dev.usher.server.report.AuditQuery;
import dev.usher.server.report.AuditRecorder;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * The audit trail: newest first, filtered by kind (administrators' actions or seat events), time,
 * actor, user, pool and type; the chain check; exports.
 */
final class AuditPages {

    private static final List<String> FIELDS = List.of("kind", "from", "to", "actor", "user", "pool", "type");

    private final Console console;
    private final AuditRecorder audit;
    private final ZoneId zone = ZoneId.systemDefault();

    AuditPages(Console console, AuditRecorder audit) {
        this.console = console;
        this.audit = audit;
    }

    void register(RoutesConfig r) {
        r.get("/audit", console.page((ctx, a) -> page(ctx, a, null)));
        // Reading the chain changes nothing, so a GET: the button is a link-like form.
        r.get("/audit/verify", console.page((ctx, a) -> {
            audit.tick();
            ChainCheck.Result c = audit.log().verify();
            page(ctx, a, new Pages.Verify(c.ok(), c.checked(), c.brokenAt(), c.problem(), audit.log().head().seq()));
        }));
        r.get("/audit/export.csv", console.page((ctx, a) -> export(ctx, true)));
        r.get("/audit/export.jsonl", console.page((ctx, a) -> export(ctx, false)));
    }

    /** The form's fields as the API's filter: days in the local zone ("to" includes its day), pool as product/feature. */
    private AuditLog.Filter filter(Context ctx) {
        String pool = blankToNull(ctx.queryParam("pool"));
        String product = null;
        String feature = null;
        if (pool != null) {
            int slash = pool.indexOf('/');
            if (slash <= 0 || slash == pool.length() - 1) {
                throw new IllegalArgumentException("Pool must be written product/feature, for example demo/cal.");
            }
            product = pool.substring(0, slash);
            feature = pool.substring(slash + 1);
        }
        String from = day(blankToNull(ctx.queryParam("from")), "From", 0);
        String to = day(blankToNull(ctx.queryParam("to")), "To", 1);
        String p = product;
        String f = feature;
        Function<String, String> param = name -> switch (name) {
            case "from" -> from;
            case "to" -> to;
            case "product" -> p;
            case "feature" -> f;
            case "actor", "user", "type", "kind" -> blankToNull(ctx.queryParam(name));
            default -> null;
        };
        return AuditQuery.parse(param, console.identity.clock().instant());
    }

    private String day(String text, String what, int plusDays) {
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text).plusDays(plusDays).atStartOfDay(zone).toOffsetDateTime().toString();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " must be a day like 2026-06-01.");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private String params(Context ctx) {
        StringBuilder b = new StringBuilder();
        for (String name : FIELDS) {
            String v = blankToNull(ctx.queryParam(name));
            if (v != null) {
                b.append(b.isEmpty() ? "" : "&").append(name).append('=').append(Console.encode(v));
            }
        }
        return b.toString();
    }

    private void page(Context ctx, ConsoleSession.Admin a, Pages.Verify verify) {
        FormState form = FormState.empty();
        for (String name : FIELDS) {
            form.with(name, ctx.queryParam(name) == null ? "" : ctx.queryParam(name));
        }
        String params = params(ctx);
        AuditLog.Filter filter;
        try {
            filter = filter(ctx);
        } catch (IllegalArgumentException e) {
            ctx.status(422);
            console.render(ctx, "audit.jte", new Pages.Audit(console.shell(a, "Audit trail", "audit"), form, List.of(), null, null,
                    params, e.getMessage(), verify));
            return;
        }
        audit.tick(); // what happened up to this page is on it (when recording is on)
        long before = Long.MAX_VALUE;
        String b = ctx.queryParam("before");
        if (b != null) {
            try {
                before = Math.max(1, Long.parseLong(b.strip()));
            } catch (NumberFormatException e) {
                before = Long.MAX_VALUE;
            }
        }
        List<AuditEntry> entries = audit.log().newestFirst(filter, before, Pager.SIZE + 1);
        boolean more = entries.size() > Pager.SIZE;
        List<AuditEntry> shown = more ? entries.subList(0, Pager.SIZE) : entries;
        Fmt fmt = console.fmt;
        List<Pages.AuditRow> rows = shown.stream().map(e -> new Pages.AuditRow(e.seq(), fmt.time(e.at()), e.kind(), e.type(),
                nz(e.actor()), nz(e.source()), nz(e.target()), e.product() == null ? "" : e.product() + "/" + nz(e.feature()),
                nz(e.user()), nz(e.detail()))).toList();
        String base = "/audit?" + (params.isEmpty() ? "" : params + "&");
        String next = more ? base + "before=" + shown.getLast().seq() : null;
        String first = b != null ? "/audit" + (params.isEmpty() ? "" : "?" + params) : null;
        console.render(ctx, "audit.jte", new Pages.Audit(console.shell(a, "Audit trail", "audit"), form, rows, next, first, params,
                null, verify));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private void export(Context ctx, boolean csv) throws Exception {
        AuditLog.Filter f = filter(ctx);
        audit.tick();
        Console.secure(ctx);
        ctx.contentType(csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"audit." + (csv ? "csv" : "jsonl") + "\"");
        AuditExport.write(audit.log(), f, Long.MAX_VALUE, csv, ctx.outputStream());
    }
}
