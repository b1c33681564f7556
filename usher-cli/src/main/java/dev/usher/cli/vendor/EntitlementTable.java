package dev.usher.cli.vendor;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.license.LicenseDates;
import dev.usher.core.license.LicensePayload;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a license payload for people: a few header lines, then one table row per entitlement, with the dates as
 * the vendor wrote them ({@code --expires 2027-12-31} shows THROUGH 2027-12-31, not the exclusive end), and a
 * loud warning under a server entitlement that any installation may use.
 */
final class EntitlementTable {

    private static final List<String> COLUMNS =
            List.of("PRODUCT", "FEATURE", "KIND", "SEATS", "FROM", "THROUGH", "INSTALLATION", "NOW");

    private EntitlementTable() {
    }

    static void print(PrintWriter out, LicensePayload payload, String keyId, Instant now) {
        out.println("license   " + payload.id());
        out.println("customer  " + payload.customer());
        out.println("issued    " + payload.issued());
        out.println("key id    " + keyId);
        for (java.util.UUID old : payload.supersedes()) {
            out.println("renews    " + old + " (supersedes it: it stops counting once this license starts)");
        }
        out.println();
        List<List<String>> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (Entitlement e : payload.entitlements()) {
            rows.add(List.of(e.product(), e.feature(), e.kind().json(),
                    e.kind() == EntitlementKind.SEATS ? String.valueOf(e.seats()) : "-",
                    LicenseDates.validFrom(e.starts()), LicenseDates.validThrough(e.expires()),
                    e.installationId() != null ? e.installationId() : e.kind() == EntitlementKind.SERVER ? "ANY" : "-",
                    state(e, now)));
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
        for (Entitlement e : payload.entitlements()) {
            if (e.kind() == EntitlementKind.SERVER && e.installationId() == null) {
                out.println();
                out.println("WARNING: the server entitlement for " + e.product() + " is bound to NO installation: this one file"
                        + " licenses every Usher server it is copied to. Bind it with --installation ID unless that is intended.");
            }
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
