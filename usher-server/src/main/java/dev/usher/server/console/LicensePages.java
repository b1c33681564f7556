package dev.usher.server.console;

import dev.usher.core.license.Entitlement;
import dev.usher.core.license.LicenseDates;
import dev.usher.core.license.EntitlementKind;
import dev.usher.core.license.LicensePayload;
import dev.usher.core.license.LicenseRejection;
import dev.usher.core.license.LicenseStatus;
import dev.usher.server.license.LicenseService;
import dev.usher.server.license.TrustedKeyDirectories;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Licenses: what is installed and how each file stands; add by upload or paste; remove after confirming. */
final class LicensePages {

    private static final int MAX_FILE_BYTES = 256 * 1024;

    private final Console console;
    private final LicenseService licenses;
    private final SeatService seats;

    LicensePages(Console console, LicenseService licenses, SeatService seats) {
        this.console = console;
        this.licenses = licenses;
        this.seats = seats;
    }

    void register(RoutesConfig r) {
        r.get("/licenses", console.page((ctx, a) -> show(ctx, a, FormState.empty())));
        r.post("/licenses", console.action(this::add));
        r.get("/licenses/{id}/remove", console.page(this::confirmRemove));
        r.post("/licenses/{id}/remove", console.action(this::remove));
    }

    private void show(Context ctx, ConsoleSession.Admin a, FormState form) {
        show(ctx, a, form, FormState.empty());
    }

    /** The page, with what was typed into the license form or the key form. */
    void show(Context ctx, ConsoleSession.Admin a, FormState form, FormState keyForm) {
        List<Pages.LicenseRow> rows = new ArrayList<>();
        String keysProblem = null;
        List<Pages.KeyRow> keys = List.of();
        try {
            keys = licenses.keys().list().stream().map(k -> new Pages.KeyRow(k.key().keyId(), k.key().vendorName(),
                    k.key().productList(), k.licenses(), k.key().file() == null ? "" : k.key().file().toString(), k.warnings())).toList();
            for (LicenseService.LicenseEntry e : licenses.list()) {
                rows.add(row(e));
            }
        } catch (TrustedKeyDirectories.TrustedKeysUnreadableException e) {
            keysProblem = e.getMessage();
        }
        console.render(ctx, "licenses.jte", new Pages.Licenses(console.shell(a, "Licenses", "licenses"), rows,
                licenses.installationId(), keys, keysProblem, form, keyForm));
    }

    private void add(Context ctx, ConsoleSession.Admin a) throws IOException {
        String text = Console.trimmed(ctx, "text");
        String field = "text";
        FormState form = FormState.empty();
        UploadedFile file = ctx.isMultipartFormData() ? ctx.uploadedFile("file") : null;
        if (file != null && file.size() > 0) {
            field = "file";
            if (file.size() > MAX_FILE_BYTES) {
                form.error("file", "This file is " + file.size() / 1024 + " KB; a license file is a few KB. Is it the right file?");
            } else {
                try (InputStream in = file.content()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } else {
            form.with("text", text);
        }
        if (!form.hasErrors() && text.isBlank()) {
            form.error("file", "Choose a .lic file, or paste its text below.");
        }
        if (!form.hasErrors()) {
            try {
                LicenseService.Added added = licenses.add(text);
                LicensePayload p = added.license().status().payload();
                console.done(ctx, a, "/licenses", added.created()
                        ? "Added the license for " + p.customer() + ": " + LicenseService.summary(p) + "."
                                + added.warnings().stream().map(w -> " Warning: " + w + ".").reduce("", String::concat)
                        : "This license (" + p.customer() + ") was already installed; nothing changed.");
                return;
            } catch (LicenseRejection e) {
                form.error(field, "Refused (" + e.reason().code() + "): " + e.getMessage());
            } catch (LicenseService.LicenseIdConflictException | TrustedKeyDirectories.TrustedKeysUnreadableException e) {
                form.error(field, e.getMessage());
            }
        }
        ctx.status(422);
        show(ctx, a, form);
    }

    private void confirmRemove(Context ctx, ConsoleSession.Admin a) {
        Optional<LicenseService.LicenseEntry> e = find(ctx);
        if (e.isEmpty()) {
            console.problem(ctx, a, 404, "No such license", "There is no license with this id (it may have been removed already).");
            return;
        }
        Pages.LicenseRow row = row(e.get());
        List<String> details = new ArrayList<>();
        for (Pages.EntitlementRow ent : row.entitlements()) {
            details.add(ent.what() + (ent.seats().isEmpty() ? "" : ": " + ent.seats() + " seats") + " (" + ent.state() + ")");
        }
        for (SeatService.PoolView p : seats.pools()) {
            int lost = e.get().status().valid() && !e.get().retired() ? e.get().status().payload().entitlements().stream()
                    .filter(x -> x.kind() == EntitlementKind.SEATS && x.product().equals(p.key().product())
                            && x.feature().equals(p.key().feature()) && x.activeAt(console.identity.now()))
                    .mapToInt(Entitlement::seats).sum() : 0;
            if (lost > 0) {
                int after = p.capacity() - lost;
                details.add(p.key() + ": capacity goes from " + p.capacity() + " to " + after + (p.inUse() > after
                        ? "; " + p.inUse() + " seats are held, so the pool is over capacity: nobody is cut off, new seats wait" : ""));
            }
        }
        console.render(ctx, "confirm.jte", console.confirm(a, "Remove this license?",
                "This removes the license of " + (row.customer() == null ? "an unknown customer" : row.customer()) + " (id " + row.id()
                        + "). Its entitlements stop counting at once. Seats held now stay held. You can add the file again later.",
                details, "/licenses/" + row.id() + "/remove", "Remove license", "/licenses", false, Map.of()));
    }

    private void remove(Context ctx, ConsoleSession.Admin a) {
        Optional<LicenseService.LicenseEntry> e = find(ctx);
        if (e.isEmpty() || !licenses.remove(e.get().stored().id())) {
            console.done(ctx, a, "/licenses", "That license was not installed (any more); nothing changed.");
            return;
        }
        LicensePayload p = e.get().status().payload();
        console.done(ctx, a, "/licenses", "Removed the license" + (p == null ? "" : " of " + p.customer()) + ".");
    }

    private Optional<LicenseService.LicenseEntry> find(Context ctx) {
        try {
            return licenses.find(UUID.fromString(ctx.pathParam("id")));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Pages.LicenseRow row(LicenseService.LicenseEntry e) {
        Fmt fmt = console.fmt;
        Instant now = console.identity.now();
        LicenseStatus s = e.status();
        LicensePayload p = s.payload();
        List<Pages.EntitlementRow> ents = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (p != null) {
            for (Entitlement x : p.entitlements()) {
                String state = x.expiredAt(now) ? "expired" : x.startsAfter(now) ? "not started" : "active";
                // License dates are UTC days as the vendor wrote them, never shifted into this server's time zone.
                String from = LicenseDates.validFrom(x.starts());
                String through = LicenseDates.validThrough(x.expires());
                if (x.kind() == EntitlementKind.SERVER) {
                    ents.add(new Pages.EntitlementRow("server " + x.product() + (x.installationId() == null
                            ? " (ANY installation: this file licenses every Usher server it is added to)"
                            : x.boundToOtherThan(licenses.installationId()) ? " (another installation: " + x.installationId() + ")"
                            : " (this installation)"), "", from, through, state, x.installationId() == null));
                } else {
                    ents.add(new Pages.EntitlementRow(x.product() + "/" + x.feature(), String.valueOf(x.seats()), from, through,
                            state, false));
                }
            }
            p.supersedes().forEach(old -> notes.add("Supersedes license " + old + "."));
        }
        if (e.supersededBy() != null) {
            notes.add((e.retired() ? "Superseded by license " : "Will be superseded by license ") + e.supersededBy().by()
                    + (e.retired() ? " since " : " from ") + LicenseDates.validFrom(e.supersededBy().from())
                    + ": its seats do not count" + (e.retired() ? "." : " from then."));
        }
        String cls = e.retired() ? "warn" : s.valid() ? "ok" : switch (s.reason()) {
            case NOT_YET_VALID -> "warn";
            default -> "bad";
        };
        return new Pages.LicenseRow(e.stored().id().toString(), p == null ? null : p.customer(), p == null ? "" : fmt.date(p.issued()),
                fmt.time(e.stored().addedAt()), e.code(), label(e.code()), e.retired() ? null : s.message(), cls, s.keyId(), ents,
                notes);
    }

    private static String label(String code) {
        return switch (code) {
            case "valid" -> "valid";
            case "superseded" -> "superseded";
            case "product-not-allowed" -> "product not allowed";
            case "not-yet-valid" -> "not yet valid";
            case "expired" -> "expired";
            case "wrong-installation" -> "wrong installation";
            case "bad-signature" -> "bad signature";
            case "unknown-key" -> "unknown vendor key";
            default -> code.replace('-', ' ');
        };
    }
}
