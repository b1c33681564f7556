package dev.usher.server.report;

import dev.usher.core.audit.AuditLog;
import dev.usher.server.report.ReportViews.AuditView;
import tools.jackson.databind.json.JsonMapper;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The audit records matching a filter as CSV or JSON lines (the API's export and the console's download
 * links), streamed: an export of years of records never sits in memory.
 */
public final class AuditExport {

    /** Only writes: the API's mapper differs from a plain one in how it reads request bodies, not in what it writes. */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AuditExport() {
    }

    public static void write(AuditLog log, AuditLog.Filter f, long limit, boolean csv, OutputStream out) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
        try {
            if (csv) {
                w.write(Csv.line(List.of("seq", "at", "kind", "type", "actor", "source", "target", "product", "feature", "user",
                        "host", "session_id", "seat_id", "detail", "prev_hash", "hash")));
            }
            log.forEach(f, limit, e -> {
                try {
                    if (csv) {
                        w.write(Csv.line(Arrays.asList(e.seq(), e.at().toString(), e.kind(), e.type(), e.actor(), e.source(),
                                e.target(), e.product(), e.feature(), e.user(), e.host(), e.sessionId(), e.seatId(), e.detail(),
                                e.prevHash(), e.hash())));
                    } else {
                        w.write(JSON.writeValueAsString(AuditView.of(e)));
                        w.write('\n');
                    }
                } catch (IOException x) {
                    throw new UncheckedIOException(x);
                }
            });
        } finally {
            w.flush();
        }
    }
}
