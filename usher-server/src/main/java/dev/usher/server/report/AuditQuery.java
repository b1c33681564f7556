package dev.usher.server.report;

import dev.usher.core.audit.AuditLog;
import dev.usher.core.usage.UsageRow;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/** The audit filter from request parameters, one reading for the API and the console. */
public final class AuditQuery {

    /** The two kinds of audit records: what administrators did, and what happened to seats. */
    public static final List<String> KINDS = List.of("admin", "seat");

    private AuditQuery() {
    }

    /** The filter {@code param} asks for; a malformed parameter is refused with a sentence ({@link IllegalArgumentException}). */
    public static AuditLog.Filter parse(Function<String, String> param, Instant now) {
        Instant from = param.apply("from") == null ? null : ReportQuery.time(param.apply("from"), "from");
        Instant to = param.apply("to") == null ? null : ReportQuery.time(param.apply("to"), "to");
        if (from != null && to != null && from.isAfter(to)) {
            throw new IllegalArgumentException("from (" + from + ") is after to (" + to + "): give the earlier time as from");
        }
        ReportQuery names = ReportQuery.parse(p -> switch (p) {
            case "product", "feature", "user" -> param.apply(p);
            default -> null;
        }, now, UsageRow.Step.DAY, null);
        String actor = param.apply("actor");
        String type = param.apply("type");
        for (String[] f : new String[][] {{"actor", actor}, {"type", type}}) {
            if (f[1] != null && (f[1].isBlank() || f[1].length() > 256 || f[1].chars().anyMatch(Character::isISOControl))) {
                throw new IllegalArgumentException(f[0] + " must be 1-256 printable characters");
            }
        }
        String kind = param.apply("kind");
        if (kind != null && !KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind must be admin (administrators' actions) or seat (seat events)");
        }
        return new AuditLog.Filter(from, to, actor, names.user(), names.product(), names.feature(), type, kind);
    }
}
