package dev.usher.server.http;

import dev.usher.core.inventory.Supersession;
import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseDates;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.TrustedKey;
import dev.usher.server.license.LicenseService;
import dev.usher.server.license.TrustedKeyService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** Admin API: the license inventory and the trusted vendor keys behind it. Every route needs an administrator. */
final class LicenseRoutes {

    /**
     * @param validFrom    the first day (or instant) it is valid, as the vendor wrote it
     * @param validThrough the last day it is valid ({@code --expires 2027-12-31} gives 2027-12-31, while {@code expires} is
     *                     the exclusive end 2028-01-01T00:00:00Z), an exact instant, or null (never expires)
     */
    record EntitlementView(String product, String feature, String kind, int seats, Instant starts, Instant expires,
                           String validFrom, String validThrough, String installationId) {
        static EntitlementView of(Entitlement e) {
            return new EntitlementView(e.product(), e.feature(), e.kind().name().toLowerCase(Locale.ROOT),
                    e.seats(), e.starts(), e.expires(), LicenseDates.validFrom(e.starts()),
                    e.expires() == null ? null : LicenseDates.validThrough(e.expires()), e.installationId());
        }
    }

    record LicenseView(UUID id, String customer, Instant issued, Instant addedAt, String status, String statusDetail,
                       String keyId, List<EntitlementView> entitlements, List<UUID> supersedes, UUID supersededBy,
                       Instant supersededFrom, List<String> warnings, String text) {}

    record KeyView(String keyId, String vendor, List<String> products, boolean oldFormat, String file, int licenses,
                   List<String> warnings) {
        static KeyView of(TrustedKeyService.KeyEntry e) {
            TrustedKey k = e.key();
            return new KeyView(k.keyId(), k.vendor(), k.products().stream().map(c -> c.pattern()).toList(), k.oldFormat(),
                    k.file() == null ? null : k.file().toString(), e.licenses(), e.warnings());
        }
    }

    /** {@code verified}: stored files that verify with the trusted keys (superseded, expired and future ones included). */
    record ReloadView(int licenses, int verified, List<String> keys) {}

    private final LicenseService licenses;
    private final RequestAuth auth;

    LicenseRoutes(LicenseService licenses, RequestAuth auth) {
        this.licenses = licenses;
        this.auth = auth;
    }

    void register(RoutesConfig r) {
        r.get("/api/v1/licenses", auth.admin(this::listLicenses));
        r.post("/api/v1/licenses", auth.admin(this::addLicense));
        r.post("/api/v1/licenses/reload", auth.admin(this::reload));
        r.get("/api/v1/licenses/{id}", auth.admin(this::getLicense));
        r.delete("/api/v1/licenses/{id}", auth.admin(this::removeLicense));
        r.get("/api/v1/trusted-keys", auth.admin(ctx -> ctx.json(licenses.keys().list().stream().map(KeyView::of).toList())));
        r.post("/api/v1/trusted-keys", auth.admin(this::addKey));
        r.get("/api/v1/trusted-keys/{keyId}", auth.admin(ctx -> ctx.json(KeyView.of(licenses.keys().find(ctx.pathParam("keyId"))
                .orElseThrow(() -> ApiProblem.notFound("no trusted key with id " + ctx.pathParam("keyId")))))));
        r.delete("/api/v1/trusted-keys/{keyId}", auth.admin(this::removeKey));
    }

    private void listLicenses(Context ctx) {
        ctx.json(licenses.list().stream().map(e -> view(e, false, List.of())).toList());
    }

    private void getLicense(Context ctx) {
        UUID id = licenseId(ctx);
        ctx.json(view(licenses.find(id).orElseThrow(() -> ApiProblem.notFound("no license with id " + id)), true, List.of()));
    }

    private void addLicense(Context ctx) {
        String text = body(ctx);
        LicenseService.Added added = licenses.add(text);
        ctx.status(added.created() ? 201 : 200);
        ctx.header("Location", "/api/v1/licenses/" + added.license().stored().id());
        ctx.json(view(added.license(), false, added.warnings()));
    }

    /** The file text, or {@code {"text": "..."}} from clients that only speak JSON. */
    private String body(Context ctx) {
        String text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("{")) {
            record TextBody(String text) {}
            text = JsonCodec.read(ctx, TextBody.class).text();
            if (text == null || text.isEmpty()) {
                throw ApiProblem.validation("send {\"text\": \"<the whole file>\"}, or the file itself as text/plain");
            }
        }
        return text;
    }

    private void removeLicense(Context ctx) {
        UUID id = licenseId(ctx);
        if (!licenses.remove(id)) {
            throw ApiProblem.notFound("no license with id " + id);
        }
        ctx.status(204);
    }

    /** Reads the trusted keys and the stored files again (after changing key files by hand, or a restore). */
    private void reload(Context ctx) {
        licenses.reload();
        List<LicenseService.LicenseEntry> all = licenses.list();
        ctx.json(new ReloadView(all.size(), licenses.inventory().licenses().size(), List.copyOf(licenses.trustedKeys().keyIds())));
    }

    private void addKey(Context ctx) {
        TrustedKeyService.AddedKey added = licenses.keys().add(body(ctx));
        ctx.status(added.created() ? 201 : 200);
        ctx.header("Location", "/api/v1/trusted-keys/" + added.key().key().keyId());
        ctx.json(KeyView.of(added.key()));
    }

    private void removeKey(Context ctx) {
        String keyId = ctx.pathParam("keyId");
        licenses.keys().remove(keyId).orElseThrow(() -> ApiProblem.notFound("no trusted key with id " + keyId));
        ctx.status(204);
    }

    private static UUID licenseId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.validation("license id must be a UUID (got '" + ctx.pathParam("id") + "')");
        }
    }

    private static LicenseView view(LicenseService.LicenseEntry e, boolean withText, List<String> warnings) {
        LicensePayload p = e.status().payload();
        Supersession by = e.supersededBy();
        return new LicenseView(e.stored().id(), p == null ? null : p.customer(), p == null ? null : p.issued(),
                e.stored().addedAt(), e.code(), e.retired() ? "superseded by license " + by.by() + " since " + by.from()
                        : e.status().message(), e.status().keyId(),
                p == null ? List.of() : p.entitlements().stream().map(EntitlementView::of).toList(),
                p == null ? List.of() : p.supersedes(), by == null ? null : by.by(), by == null ? null : by.from(),
                warnings, withText ? e.stored().text() : null);
    }
}
