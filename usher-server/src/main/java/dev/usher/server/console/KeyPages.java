package dev.usher.server.console;

import dev.usher.server.license.LicenseService;
import dev.usher.server.license.TrustedKeyDirectories;
import dev.usher.server.license.TrustedKeyService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trusted vendor keys, on the Licenses page: add a vendor's key file (upload or paste), remove a key after a
 * confirmation that says which licenses stop counting. The same service as {@code /api/v1/trusted-keys}.
 */
final class KeyPages {

    private static final int MAX_FILE_BYTES = 64 * 1024;

    private final Console console;
    private final LicenseService licenses;
    private final LicensePages page;

    KeyPages(Console console, LicenseService licenses, LicensePages page) {
        this.console = console;
        this.licenses = licenses;
        this.page = page;
    }

    void register(RoutesConfig r) {
        r.post("/licenses/keys", console.action(this::add));
        r.get("/licenses/keys/{keyId}/remove", console.page(this::confirmRemove));
        r.post("/licenses/keys/{keyId}/remove", console.action(this::remove));
    }

    private void add(Context ctx, ConsoleSession.Admin a) throws IOException {
        String text = Console.trimmed(ctx, "keytext");
        String field = "keytext";
        FormState form = FormState.empty();
        UploadedFile file = ctx.isMultipartFormData() ? ctx.uploadedFile("keyfile") : null;
        if (file != null && file.size() > 0) {
            field = "keyfile";
            if (file.size() > MAX_FILE_BYTES) {
                form.error(field, "This file is " + file.size() / 1024 + " KB; a vendor key file is a few hundred bytes. Is it the right file?");
            } else {
                try (InputStream in = file.content()) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        } else {
            form.with("keytext", text);
        }
        if (!form.hasErrors() && text.isBlank()) {
            form.error("keyfile", "Choose the vendor's .pub file, or paste its text below.");
        }
        if (!form.hasErrors()) {
            try {
                TrustedKeyService.AddedKey added = licenses.keys().add(text);
                var k = added.key().key();
                console.done(ctx, a, "/licenses#keys", added.created()
                        ? "Now trusting key " + k.keyId() + " of vendor " + k.vendorName() + " for " + k.productList() + "."
                        : "Key " + k.keyId() + " of vendor " + k.vendorName() + " was already trusted; nothing changed.");
                return;
            } catch (TrustedKeyService.InvalidKeyException e) {
                form.error(field, "Refused: " + e.getMessage());
            } catch (TrustedKeyService.KeyConflictException | TrustedKeyDirectories.TrustedKeysUnreadableException e) {
                form.error(field, e.getMessage());
            }
        }
        ctx.status(422);
        page.show(ctx, a, FormState.empty(), form);
    }

    private void confirmRemove(Context ctx, ConsoleSession.Admin a) {
        Optional<TrustedKeyService.KeyEntry> key = licenses.keys().find(ctx.pathParam("keyId"));
        if (key.isEmpty()) {
            console.problem(ctx, a, 404, "No such key", "No trusted vendor key has this id (it may have been removed already).");
            return;
        }
        var k = key.get().key();
        List<String> details = new ArrayList<>();
        details.add("Vendor " + k.vendorName() + ", may license " + k.productList() + " (file " + k.file() + ")");
        for (LicenseService.LicenseEntry e : licenses.signedBy(k.keyId())) {
            var p = e.status().payload();
            details.add("License " + e.stored().id() + (p == null ? "" : " of " + p.customer() + ": " + LicenseService.summary(p))
                    + " stops counting");
        }
        console.render(ctx, "confirm.jte", console.confirm(a, "Stop trusting this vendor key?",
                "This deletes the key file of key " + k.keyId() + ". The licenses it signed stop counting at once: no new seats"
                        + " are granted from them. Seats held now stay held. You can add the key file again later.",
                details, "/licenses/keys/" + k.keyId() + "/remove", "Remove key", "/licenses#keys", false, Map.of()));
    }

    private void remove(Context ctx, ConsoleSession.Admin a) {
        String keyId = ctx.pathParam("keyId");
        try {
            Optional<TrustedKeyService.KeyEntry> removed = licenses.keys().remove(keyId);
            console.done(ctx, a, "/licenses#keys", removed.isEmpty() ? "That key was not trusted (any more); nothing changed."
                    : "Stopped trusting key " + keyId + " of vendor " + removed.get().key().vendorName() + "; "
                    + removed.get().licenses() + " license file(s) signed by it no longer count.");
        } catch (TrustedKeyService.KeyConflictException e) {
            console.problem(ctx, a, 409, "The key was not removed", e.getMessage());
        }
    }
}
