package dev.usher.cli.vendor;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.license.LicensePayload;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Prints a license payload for people: a few header lines, then one table row per entitlement. */
final class EntitlementTable {

    private static final List<String> COLUMNS =
            List.of("PRODUCT", "FEATURE", "KIND", "SEATS", "STARTS", "EXPIRES", "INSTALLATION", "NOW");

    private EntitlementTable() {
    }

    static void print(PrintWriter out, LicensePayload payload, String keyId, Instant now) {
        out.println("license   " + payload.id());
        out.println("customer  " + payload.customer());
        out.println("issued    " + payload.issued());
        out.println("key id    " + keyId);
        out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (Entitlement e : payload.entitlements()) {
            rows.add(List.of(e.product(), e.feature(), e.kind().json(),
                    e.kind() == EntitlementKind.SEATS ? String.valueOf(e.seats()) : "-",
                    e.starts().toString(), e.expires() == null ? "never" : e.expires().toString(),
                    e.installationId() == null ? "-" : e.installationId(), state(e, now)));
        }
        int[] widths = new int[COLUMNS.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), widths[i] + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String state(Entitlement e, Instant now) {
        if (e.activeAt(now)) {
            return "active";
        }
        return e.expiredAt(now) ? "expired" : "not started";
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }
}
