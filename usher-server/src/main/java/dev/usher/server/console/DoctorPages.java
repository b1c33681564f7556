package dev.usher.server.console;

import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.server.auth.Doctor;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The doctor's findings with their fixes: merges and extra seats with one click, and a user named
 * like a machine merged into the person who works there after a preview of what moves.
 */
final class DoctorPages {

    private final Console console;
    private final IdentityService identity;
    private final SeatService seats;
    private final Doctor doctor;
    private final ConsoleRoutes.DoctorCache findings;
    private final Runnable changed;

    DoctorPages(Console console, IdentityService identity, SeatService seats, Doctor doctor, ConsoleRoutes.DoctorCache findings) {
        this.console = console;
        this.identity = identity;
        this.seats = seats;
        this.doctor = doctor;
        this.findings = findings;
        this.changed = findings::forget;
    }

    private UserDirectory users() {
        return identity.users();
    }

    void register(RoutesConfig r) {
        r.get("/doctor", console.page(this::doctorPage));
        r.post("/doctor/fix/{index}", console.action(this::fixOne));
        r.get("/doctor/fix-all", console.page(this::confirmFixAll));
        r.post("/doctor/fix-all", console.action(this::fixAll));
    }

    private void doctorPage(Context ctx, ConsoleSession.Admin a) {
        List<Doctor.Finding> findings = ctx.queryParam("again") != null ? this.findings.examine() : this.findings.current();
        List<Pages.FindingRow> rows = new ArrayList<>();
        for (int i = 0; i < findings.size(); i++) {
            Doctor.Finding f = findings.get(i);
            String label = switch (f.kind()) {
                case "duplicate-user" -> "Merge";
                case "host-named-user" -> null; // needs a person to decide who it is
                case "several-seats" -> "Release extra seats";
                default -> null;
            };
            rows.add(new Pages.FindingRow(i, f.kind(), f.problem(), f.fix(), f.commands(), label, mergePreview(f)));
        }
        console.render(ctx, "doctor.jte", new Pages.Doctor(console.shell(a, "Doctor", "doctor"), rows, this.findings.ageSeconds()));
    }

    /**
     * For a user named like a machine whose owner the history knows: the merge preview of that
     * machine name into the person (what moves), whose button does it. Null otherwise.
     */
    private String mergePreview(Doctor.Finding f) {
        if (!f.kind().equals("host-named-user") || f.commands().size() != 1) {
            return null;
        }
        List<String> w = words(f.commands().getFirst());
        if (w.size() != 5 || !w.get(1).equals("user") || !w.get(2).equals("merge")) {
            return null;
        }
        try {
            return users().resolve(identity.names().key(w.get(3)))
                    .map(into -> "/users/" + into.id() + "/merge?from=" + Console.encode(w.get(4))).orElse(null);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void fixOne(Context ctx, ConsoleSession.Admin a) {
        List<Doctor.Finding> findings = doctor.examine();
        int index = (int) Console.id(ctx.pathParam("index"));
        String problem = Console.trimmed(ctx, "problem");
        if (index >= findings.size() || !findings.get(index).problem().equals(problem)) {
            console.done(ctx, a, "/doctor", "The findings changed meanwhile; nothing was done. Look again.");
            return;
        }
        Doctor.Finding f = findings.get(index);
        List<String> done = new ArrayList<>();
        for (String command : f.commands()) {
            List<String> words = words(command);
            if (f.kind().equals("duplicate-user") && words.size() == 5) {
                User into = users().resolve(identity.names().key(words.get(3))).orElseThrow();
                User from = users().resolve(identity.names().key(words.get(4))).orElseThrow();
                var r = users().merge(into.id(), from.id(), identity.now());
                users().recordAdminEvent(identity.now(), "user-merged", a.name(), ctx.ip(), into.name(), "merged " + from.name() + " (doctor)");
                done.add("merged " + from.name() + " into " + into.name() + " (" + r.seatsReleased() + " duplicate seat(s) released)");
            } else if (f.kind().equals("several-seats") && words.size() == 4) {
                seats.forceRelease(words.get(3), "doctor: one seat per person (console, " + a.name() + ")");
                done.add("released seat " + words.get(3));
            }
        }
        changed.run();
        console.done(ctx, a, "/doctor", done.isEmpty() ? "Nothing to do for this finding." : "Done: " + String.join("; ", done) + ".");
    }

    private void confirmFixAll(Context ctx, ConsoleSession.Admin a) {
        List<String> details = doctor.examine().stream().filter(f -> !f.kind().equals("host-named-user"))
                .map(f -> f.problem() + " → " + f.fix()).toList();
        console.render(ctx, "confirm.jte", console.confirm(a, "Apply every fix?",
                "This merges every group of users that are probably one person into the user named, and releases every extra seat"
                        + " of a person (their sessions keep the oldest seat). Host-named users are left for you to decide.",
                details, "/doctor/fix-all", "Apply all fixes", "/doctor", false, Map.of()));
    }

    private void fixAll(Context ctx, ConsoleSession.Admin a) {
        List<String> done = doctor.fix(a.name());
        changed.run();
        console.done(ctx, a, "/doctor", done.isEmpty() ? "Nothing needed fixing." : "Done: " + String.join("; ", done) + ".");
    }

    /** Splits a command the doctor wrote, where names with odd characters are in shell single quotes. */
    static List<String> words(String command) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == '\\' && !quoted && i + 1 < command.length()) {
                w.append(command.charAt(++i));
            } else if (c == ' ' && !quoted) {
                if (any || !w.isEmpty()) {
                    out.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
            }
        }
        if (any || !w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }
}
