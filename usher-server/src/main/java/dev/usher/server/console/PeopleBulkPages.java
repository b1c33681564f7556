package dev.usher.server.console;

import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.StrayPeople;
import dev.usher.core.identity.PeopleHistory;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Changes to many people at once: disable, enable or add to a role the people ticked on the Users
 * page, and purge the people nobody has seen for N days. Each shows what it will do first.
 */
final class PeopleBulkPages {

    /** At most this many people ticked at once (a page of users is 50). */
    static final int MAX_SELECTED = 1000;

    private final Console console;
    private final IdentityService identity;
    private final StrayPeople strays;
    private final Runnable changed;

    PeopleBulkPages(Console console, IdentityService identity, StrayPeople strays, ConsoleRoutes.DoctorCache findings) {
        this.console = console;
        this.identity = identity;
        this.strays = strays;
        this.changed = findings::forget;
    }

    private UserDirectory users() {
        return identity.users();
    }

    void register(RoutesConfig r) {
        r.post("/users/bulk", console.action(this::confirmBulk));
        r.post("/users/bulk/apply", console.action(this::applyBulk));
        r.get("/users/stray", console.page(this::strayPage));
        r.post("/users/stray/purge", console.action(this::purge));
    }

    /** The roles a person can be added to by hand (All Users has everyone already). */
    static List<Pages.RoleRef> roles(UserDirectory users) {
        return users.roles().stream().filter(r -> !r.isAllUsers()).map(r -> new Pages.RoleRef(r.id(), r.name(), r.builtIn() != null)).toList();
    }

    private void confirmBulk(Context ctx, ConsoleSession.Admin a) {
        List<User> people = selected(ctx.formParams("id"));
        String action = Console.trimmed(ctx, "action");
        Optional<Role> role = action.equals("add-to-role") ? Optional.of(role(Console.trimmed(ctx, "roleId"))) : Optional.empty();
        String what = switch (action) {
            case "disable" -> "Disable";
            case "enable" -> "Enable";
            case "add-to-role" -> "Add to " + role.orElseThrow().name();
            default -> throw new IllegalArgumentException("Choose what to do with the people ticked: disable, enable, or add to a role.");
        };
        String explanation = switch (action) {
            case "disable" -> "They will not be able to sign in or take new seats, and their API tokens stop working. Seats they hold"
                    + " now stay until released or expired. You can enable them again.";
            case "enable" -> "They can sign in and take seats again.";
            default -> "They become members of " + role.orElseThrow().name() + ", with what its assignment rules give or deny.";
        };
        console.render(ctx, "confirm.jte", console.confirm(a, what + ": " + people.size() + (people.size() == 1 ? " person?" : " people?"),
                explanation, people.stream().map(User::name).toList(), "/users/bulk/apply", what, "/users", false,
                Map.of("action", action, "roleId", role.map(x -> String.valueOf(x.id())).orElse(""),
                        "ids", String.join(",", people.stream().map(u -> String.valueOf(u.id())).toList()))));
    }

    private void applyBulk(Context ctx, ConsoleSession.Admin a) {
        List<User> people = selected(List.of(Console.trimmed(ctx, "ids").split(",")));
        String action = Console.trimmed(ctx, "action");
        List<String> done = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        switch (action) {
            case "disable", "enable" -> {
                boolean enable = action.equals("enable");
                for (User u : people) {
                    if (!enable && u.name().equals(a.name())) {
                        skipped.add(u.name() + " (yourself: you would lose the console)");
                        continue;
                    }
                    users().update(u.id(), new UserDirectory.UserChanges(null, null, enable));
                    users().recordAdminEvent(identity.now(), enable ? "user-enabled" : "user-disabled", a.name(), ctx.ip(), u.name(), "bulk");
                    done.add(u.name());
                }
            }
            case "add-to-role" -> {
                Role role = role(Console.trimmed(ctx, "roleId"));
                for (User u : people) {
                    users().addMember(role.id(), u.id(), "manual");
                    users().recordAdminEvent(identity.now(), "role-member-added", a.name(), ctx.ip(), role.name(), "user " + u.name() + " (bulk)");
                    done.add(u.name());
                }
                action = "added to " + role.name();
            }
            default -> throw new IllegalArgumentException("Choose what to do with the people ticked: disable, enable, or add to a role.");
        }
        changed.run();
        String verb = switch (action) {
            case "disable" -> "Disabled";
            case "enable" -> "Enabled";
            default -> "Added to " + action.substring("added to ".length()) + ":";
        };
        console.done(ctx, a, "/users", verb + " " + done.size() + (done.size() == 1 ? " person" : " people")
                + (done.isEmpty() ? "" : " (" + String.join(", ", done) + ")") + "."
                + (skipped.isEmpty() ? "" : " Left out: " + String.join("; ", skipped) + "."));
    }

    private void strayPage(Context ctx, ConsoleSession.Admin a) {
        String daysText = Optional.ofNullable(ctx.queryParam("days")).orElse("90").strip();
        FormState form = FormState.empty().with("days", daysText);
        StrayPeople.Preview preview = null;
        try {
            preview = strays.preview(Integer.parseInt(daysText));
        } catch (NumberFormatException e) {
            form.error("days", "A number of days from 1 to " + StrayPeople.MAX_DAYS + ".");
        } catch (IllegalArgumentException e) {
            form.error("days", "A number of days from 1 to " + StrayPeople.MAX_DAYS + ".");
        }
        if (preview == null) {
            ctx.status(422);
        }
        List<Pages.StrayRow> rows = preview == null ? List.of() : preview.people().stream().map(s -> new Pages.StrayRow(s.id(), s.name(),
                s.source(), console.fmt.ago(s.lastSeenAt()), console.fmt.date(s.createdAt()))).toList();
        console.render(ctx, "stray.jte", new Pages.Stray(console.shell(a, "Stray people", "users"), form, rows,
                preview == null ? 0 : preview.days(), preview == null ? "" : String.join(",", preview.people().stream()
                        .map(s -> String.valueOf(s.id())).toList())));
    }

    private void purge(Context ctx, ConsoleSession.Admin a) {
        int days = (int) Console.id(Console.trimmed(ctx, "days"));
        Set<Long> ids = new LinkedHashSet<>();
        for (String id : Console.trimmed(ctx, "ids").split(",")) {
            if (!id.isBlank()) {
                ids.add(Console.id(id));
            }
        }
        StrayPeople.Purge p = strays.purge(days, ids, a.name(), ctx.ip());
        changed.run();
        console.done(ctx, a, "/users", "Purged " + p.purged().size() + (p.purged().size() == 1 ? " person" : " people")
                + " not seen for " + days + " days" + (p.purged().isEmpty() ? "" : " (" + String.join(", ", p.purged()) + ")") + "."
                + (p.kept().isEmpty() ? "" : " Kept: " + String.join("; ", p.kept()) + "."));
    }

    private List<User> selected(List<String> ids) {
        Set<Long> unique = new LinkedHashSet<>();
        for (String id : ids) {
            if (!id.isBlank()) {
                unique.add(Console.id(id));
            }
        }
        if (unique.isEmpty()) {
            throw new IllegalArgumentException("Tick the people to change first.");
        }
        if (unique.size() > MAX_SELECTED) {
            throw new IllegalArgumentException("At most " + MAX_SELECTED + " people at once.");
        }
        List<User> out = new ArrayList<>();
        for (long id : unique) {
            users().find(id).ifPresent(out::add); // merged or deleted meanwhile: nothing to change
        }
        return out;
    }

    private Role role(String id) {
        long n = Console.id(id);
        Role role = users().role(n).orElseThrow(() -> new IllegalArgumentException("There is no role with id " + n + "."));
        if (role.isAllUsers()) {
            throw new IllegalArgumentException("Everyone is in All Users already.");
        }
        return role;
    }
}
