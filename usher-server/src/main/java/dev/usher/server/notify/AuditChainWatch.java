package dev.usher.server.notify;

import dev.usher.core.audit.ChainCheck;
import dev.usher.core.notify.Alert;
import dev.usher.core.notify.AlertKind;
import dev.usher.core.audit.AuditLog;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail's hash chain, verified every hour (it walks every record); a broken link is
 * announced once, by the record it breaks at and what is wrong with it.
 */
final class AuditChainWatch implements Watch {

    static final Duration EVERY = Duration.ofHours(1);

    private final AuditLog audit;
    private final Pace pace = new Pace(EVERY);

    AuditChainWatch(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public AlertKind kind() {
        return AlertKind.AUDIT_BROKEN;
    }

    @Override
    public synchronized List<Alert> check(Instant now, NotificationSettings settings) {
        if (!pace.due(now)) {
            return List.of();
        }
        ChainCheck.Result r = audit.verify();
        if (r.ok()) {
            return List.of();
        }
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("brokenAt", String.valueOf(r.brokenAt()));
        facts.put("checked", String.valueOf(r.checked()));
        facts.put("problem", r.problem());
        return List.of(new Alert("audit-broken:" + r.brokenAt() + ":" + Integer.toHexString(r.problem().hashCode()), AlertKind.AUDIT_BROKEN, now,
                "The audit trail failed verification at record " + r.brokenAt(),
                "Verifying the audit trail found a broken link: " + r.problem() + " (" + r.checked() + " records checked before it).\n"
                        + "Someone may have edited the database directly. Compare with an exported trail (usher audit export) or a"
                        + " noted head hash, and find out who had write access to the database.",
                facts, null));
    }
}
