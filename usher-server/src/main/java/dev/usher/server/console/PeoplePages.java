package dev.usher.server.console;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserNames;
import dev.usher.core.identity.UserSource;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.seat.AdminReason;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Users, aliases, merges, roles and role membership. */
final class PeoplePages {

    private final Console console;
    private final IdentityService identity;
    private final SeatService seats;
    private final Runnable changed;

    PeoplePages(Console console, IdentityService identity, SeatService seats, ConsoleRoutes.DoctorCache findings) {
        this.console = console;
        this.identity = identity;
        this.seats = seats;
        this.changed = findings::forget;
    }

    private UserDirectory users() {
        return identity.users();
    }

    void register(RoutesConfig r) {
        r.get("/users", console.page((ctx, a) -> list(ctx, a, FormState.empty())));
        r.post("/users", console.action(this::create));
        r.get("/users/{id}", console.page((ctx, a) -> detail(ctx, a, FormState.empty())));
        r.post("/users/{id}/enable", console.action((ctx, a) -> setEnabled(ctx, a, true)));
        r.get("/users/{id}/disable", console.page(this::confirmDisable));
        r.post("/users/{id}/disable", console.action((ctx, a) -> setEnabled(ctx, a, false)));
        r.get("/users/{id}/delete", console.page(this::confirmDelete));
        r.post("/users/{id}/delete", console.action(this::delete));
        r.post("/users/{id}/aliases", console.action(this::addAlias));
        r.get("/users/{id}/aliases/remove", console.page(this::confirmRemoveAlias));
        r.post("/users/{id}/aliases/remove", console.action(this::removeAlias));
        r.post("/users/{id}/roles", console.action(this::addRole));
        r.post("/users/{id}/roles/{roleId}/remove", console.action(this::removeRole));
        r.get("/users/{id}/merge", console.page(this::mergePreview));
        r.post("/users/{id}/merge", console.action(this::merge));

        r.get("/roles", console.page((ctx, a) -> roles(ctx, a, FormState.empty())));
        r.post("/roles", console.action(this::createRole));
        r.get("/roles/{id}/delete", console.page(this::confirmDeleteRole));
        r.post("/roles/{id}/delete", console.action(this::deleteRole));

    }

    // ---- users -----------------------------------------------------------------------------------

    private void list(Context ctx, ConsoleSession.Admin a, FormState form) {
        String q = Optional.ofNullable(ctx.queryParam("q")).orElse("").strip();
        String search = q.isEmpty() ? null : q;
        int total = users().count(search);
        int page = Pager.clamp(ctx.queryParam("page"), total, Pager.SIZE);
        Pager pager = new Pager(page, Pager.SIZE, total, "/users", q.isEmpty() ? "" : "q=" + Console.encode(q));
        List<Pages.UserRow> rows = users().list(search, pager.offset(), Pager.SIZE).stream().map(this::row).toList();
        console.render(ctx, "users.jte", new Pages.Users(console.shell(a, "Users", "users"), rows, q, pager, form,
                PeopleBulkPages.roles(users())));
    }

    private void create(Context ctx, ConsoleSession.Admin a) {
        String name = Console.trimmed(ctx, "name");
        String displayName = Console.trimmed(ctx, "displayName");
        String email = Console.trimmed(ctx, "email");
        String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
        String source = Console.trimmed(ctx, "source").isEmpty() ? "local" : Console.trimmed(ctx, "source");
        FormState form = FormState.empty().with("name", name).with("displayName", displayName).with("email", email).with("source", source);
        if (name.isEmpty()) {
            form.error("name", "Enter the user name they sign in with.");
        }
        if (displayName.length() > 200 || displayName.chars().anyMatch(Character::isISOControl)) {
            form.error("displayName", "At most 200 printable characters.");
        }
        if (email.length() > 254 || email.chars().anyMatch(Character::isISOControl) || (!email.isEmpty() && !email.contains("@"))) {
            form.error("email", "Enter an e-mail address like alice@example.com, or leave it empty.");
        }
        if (!source.equals("local") && !source.equals("ldap")) {
            form.error("source", "Choose local or LDAP.");
        }
        if (source.equals("local") && password.isEmpty()) {
            form.error("password", "A local user needs a password.");
        }
        if (!form.hasErrors()) {
            try {
                User u = identity.createUser(name, blank(displayName), blank(email), source.equals("local") ? password : null,
                        UserSource.fromCode(source), a.name());
                changed.run();
                console.done(ctx, a, "/users/" + u.id(), "Created user " + u.name() + ".");
                return;
            } catch (UserNames.InvalidNameException e) {
                form.error("name", "This cannot be a user name: " + e.getMessage() + ".");
            } catch (IdentityException e) {
                form.error("name", e.getMessage());
            } catch (IllegalArgumentException e) {
                form.error("password", e.getMessage());
            }
        }
        ctx.status(422);
        list(ctx, a, form);
    }

    private void detail(Context ctx, ConsoleSession.Admin a, FormState form) {
        Optional<User> u = user(ctx);
        if (u.isEmpty()) {
            console.problem(ctx, a, 404, "No such user", "There is no user with this id (merged or deleted?).");
            return;
        }
        List<Pages.RoleRef> memberOf = new ArrayList<>();
        List<Pages.RoleRef> others = new ArrayList<>();
        for (Role role : users().roles()) {
            if (role.isAllUsers()) {
                continue;
            }
            Pages.RoleRef ref = new Pages.RoleRef(role.id(), role.name(), role.builtIn() != null);
            (u.get().roles().contains(role.name()) ? memberOf : others).add(ref);
        }
        int held = (int) seats.seatsHeld().stream().filter(s -> s.user().equals(u.get().name())).count();
        console.render(ctx, "user.jte", new Pages.UserDetail(console.shell(a, u.get().name(), "users"), row(u.get()), memberOf,
                others, held, form));
    }

    private void setEnabled(Context ctx, ConsoleSession.Admin a, boolean enabled) {
        User u = required(ctx);
        if (!enabled && u.name().equals(a.name())) {
            throw new IllegalArgumentException("You cannot disable yourself: you would lose the console. Ask another administrator.");
        }
        String reason = enabled ? null : Console.trimmed(ctx, "reason");
        AdminReason.require(reason);
        users().update(u.id(), new UserDirectory.UserChanges(null, null, enabled));
        users().recordAdminEvent(identity.now(), enabled ? "user-enabled" : "user-disabled", a.name(), ctx.ip(), u.name(),
                reason == null || reason.isEmpty() ? null : reason);
        changed.run();
        if (!enabled) {
            var released = seats.releaseDisabledPerson(u.name(), reason, "console, " + a.name());
            console.done(ctx, a, "/users/" + u.id(), "Disabled " + u.name() + (released.sessionIds().isEmpty() ? "."
                    : "; released " + released.seatIds().size() + " seat(s) and ended " + released.sessionIds().size() + " session(s)."));
            return;
        }
        console.done(ctx, a, "/users/" + u.id(), "Enabled " + u.name() + ".");
    }

    private void confirmDisable(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        console.render(ctx, "confirm.jte", console.confirm(a, "Disable " + u.name() + "?",
                u.name() + " will not be able to sign in or take new seats, and their API tokens stop working. The seats they hold"
                        + " go back to their pools now and their applications are told why at the next heartbeat; a seat on loan"
                        + " stays lent until its date (take it back on the Seats page). You can enable them again. The reason is"
                        + " recorded.", List.of(),
                "/users/" + u.id() + "/disable", "Disable user", "/users/" + u.id(), true, Map.of()));
    }

    private void confirmDelete(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        console.render(ctx, "confirm.jte", console.confirm(a, "Delete " + u.name() + "?",
                "This deletes " + u.name() + " with their aliases (" + String.join(", ", u.aliases()) + ") and role memberships."
                        + " It is refused while they hold a seat or a session. To keep their history, disable them instead.",
                List.of(), "/users/" + u.id() + "/delete", "Delete user", "/users/" + u.id(), false, Map.of()));
    }

    private void delete(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        users().delete(u.id());
        users().recordAdminEvent(identity.now(), "user-deleted", a.name(), ctx.ip(), u.name(), null);
        changed.run();
        console.done(ctx, a, "/users", "Deleted user " + u.name() + ".");
    }

    private void addAlias(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        String alias = Console.trimmed(ctx, "alias");
        FormState form = FormState.empty().with("alias", alias);
        try {
            if (alias.isEmpty()) {
                throw new UserNames.InvalidNameException("enter the other spelling, e.g. CORP\\" + u.name());
            }
            users().addAlias(u.id(), identity.names().display(alias), identity.names().key(alias), identity.now());
            users().recordAdminEvent(identity.now(), "alias-added", a.name(), ctx.ip(), u.name(), alias);
            changed.run();
            console.done(ctx, a, "/users/" + u.id(), "Added the alias " + alias + ": it now means " + u.name() + ".");
            return;
        } catch (UserNames.InvalidNameException e) {
            form.error("alias", "Not a usable name: " + e.getMessage() + ".");
        } catch (IdentityException e) {
            form.error("alias", e.getMessage());
        }
        ctx.status(422);
        detail(ctx, a, form);
    }

    private void confirmRemoveAlias(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        String alias = Optional.ofNullable(ctx.queryParam("alias")).orElse("");
        console.render(ctx, "confirm.jte", console.confirm(a, "Remove the alias " + alias + "?",
                "After this, a client reporting \"" + alias + "\" is no longer " + u.name() + ": in open mode with automatic user"
                        + " creation it would become a separate user (and could take a second seat).", List.of(),
                "/users/" + u.id() + "/aliases/remove", "Remove alias", "/users/" + u.id(), false, Map.of("alias", alias)));
    }

    private void removeAlias(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        String alias = Console.trimmed(ctx, "alias");
        users().removeAlias(u.id(), identity.names().key(alias));
        users().recordAdminEvent(identity.now(), "alias-removed", a.name(), ctx.ip(), u.name(), alias);
        changed.run();
        console.done(ctx, a, "/users/" + u.id(), "Removed the alias " + alias + ".");
    }

    private void addRole(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        Role role = role(Console.trimmed(ctx, "roleId"));
        users().addMember(role.id(), u.id(), "manual");
        users().recordAdminEvent(identity.now(), "role-member-added", a.name(), ctx.ip(), role.name(), "user " + u.id());
        console.done(ctx, a, "/users/" + u.id(), u.name() + " is now in " + role.name() + ".");
    }

    private void removeRole(Context ctx, ConsoleSession.Admin a) {
        User u = required(ctx);
        Role role = role(ctx.pathParam("roleId"));
        if (Role.ADMINISTRATORS.equals(role.builtIn()) && u.name().equals(a.name())) {
            throw new IllegalArgumentException("You cannot remove yourself from Administrators: you would lose the console.");
        }
        users().removeMember(role.id(), u.id());
        users().recordAdminEvent(identity.now(), "role-member-removed", a.name(), ctx.ip(), role.name(), "user " + u.id());
        console.done(ctx, a, "/users/" + u.id(), u.name() + " is no longer in " + role.name() + ".");
    }

    private void mergePreview(Context ctx, ConsoleSession.Admin a) {
        User into = required(ctx);
        String fromName = Optional.ofNullable(ctx.queryParam("from")).orElse("").strip();
        Optional<User> from = Optional.empty();
        String error = null;
        try {
            from = fromName.isEmpty() ? Optional.empty() : users().resolve(identity.names().key(fromName));
        } catch (UserNames.InvalidNameException e) {
            error = "Not a usable name: " + e.getMessage() + ".";
        }
        if (error == null && from.isEmpty()) {
            error = fromName.isEmpty() ? "Enter the name of the user to merge into " + into.name() + "." : "No user is named " + fromName + ".";
        } else if (error == null && from.get().id() == into.id()) {
            error = fromName + " already is " + into.name() + ".";
        }
        if (error != null) {
            ctx.status(422);
            detail(ctx, a, FormState.empty().with("from", fromName).error("from", error));
            return;
        }
        User f = from.get();
        int seatsOfFrom = (int) seats.seatsHeld().stream().filter(s -> s.user().equals(f.name())).count();
        List<String> aliases = new ArrayList<>(List.of(f.name()));
        f.aliases().stream().filter(x -> !x.equals(f.name())).forEach(aliases::add);
        console.render(ctx, "merge.jte", new Pages.MergePreview(console.shell(a, "Merge " + f.name() + " into " + into.name(), "users"),
                row(into), row(f), aliases, f.roles().stream().filter(x -> !into.roles().contains(x)).toList(), seatsOfFrom,
                f.name() + " will be removed; its names will mean " + into.name() + ". Where both hold a seat of the same pool, the"
                        + " sessions of " + f.name() + " join the seat of " + into.name() + " and the other seat is released."));
    }

    private void merge(Context ctx, ConsoleSession.Admin a) {
        User into = required(ctx);
        long fromId = Console.id(Console.trimmed(ctx, "from"));
        UserDirectory.MergeResult r = identity.merge(into.id(), fromId, a.name());
        changed.run();
        console.done(ctx, a, "/users/" + into.id(), "Merged into " + into.name() + ": " + r.aliasesMoved() + " alias(es), "
                + r.rolesMoved() + " role(s), " + r.sessionsMoved() + " session(s) moved; " + r.seatsReleased() + " duplicate seat(s) released.");
    }

    // ---- roles -----------------------------------------------------------------------------------

    private void roles(Context ctx, ConsoleSession.Admin a, FormState form) {
        List<Pages.RoleRow> rows = users().roles().stream().map(r -> new Pages.RoleRow(r.id(), r.name(),
                r.builtIn(), r.ldapGroup(), r.members())).toList();
        console.render(ctx, "roles.jte", new Pages.Roles(console.shell(a, "Roles", "roles"), rows, form));
    }

    private void createRole(Context ctx, ConsoleSession.Admin a) {
        String name = Console.trimmed(ctx, "name");
        String group = Console.trimmed(ctx, "ldapGroup");
        FormState form = FormState.empty().with("name", name).with("ldapGroup", group);
        if (name.isEmpty() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            form.error("name", "A role name has 1 to 100 printable characters.");
        }
        if (group.length() > 256 || group.chars().anyMatch(Character::isISOControl)) {
            form.error("ldapGroup", "At most 256 printable characters.");
        }
        if (!form.hasErrors()) {
            try {
                Role role = users().createRole(name, name.toLowerCase(Locale.ROOT), blank(group), identity.now());
                users().recordAdminEvent(identity.now(), "role-created", a.name(), ctx.ip(), role.name(), null);
                console.done(ctx, a, "/roles", "Created role " + role.name() + ".");
                return;
            } catch (IdentityException e) {
                form.error("name", e.getMessage());
            }
        }
        ctx.status(422);
        roles(ctx, a, form);
    }

    private void confirmDeleteRole(Context ctx, ConsoleSession.Admin a) {
        Role role = role(ctx.pathParam("id"));
        console.render(ctx, "confirm.jte", console.confirm(a, "Delete the role " + role.name() + "?",
                "Its " + role.members() + " member(s) stay users but lose this role; assignment rules naming it must be changed first"
                        + " (the server refuses otherwise).", List.of(), "/roles/" + role.id() + "/delete", "Delete role", "/roles", false, Map.of()));
    }

    private void deleteRole(Context ctx, ConsoleSession.Admin a) {
        Role role = role(ctx.pathParam("id"));
        users().deleteRole(role.id());
        users().recordAdminEvent(identity.now(), "role-deleted", a.name(), ctx.ip(), role.name(), null);
        console.done(ctx, a, "/roles", "Deleted role " + role.name() + ".");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Pages.UserRow row(User u) {
        return new Pages.UserRow(u.id(), u.name(), u.displayName(), u.email(), u.source().code(), u.enabled(),
                console.fmt.ago(u.lastSeenAt()), console.fmt.date(u.createdAt()),
                u.aliases().stream().filter(x -> !x.equals(u.name())).toList(), u.roles());
    }

    private Optional<User> user(Context ctx) {
        try {
            return users().find(Long.parseLong(ctx.pathParam("id")));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private User required(Context ctx) {
        return user(ctx).orElseThrow(() -> new IdentityException(IdentityException.Kind.NOT_FOUND,
                "There is no user with this id (merged or deleted meanwhile?)."));
    }

    private Role role(String id) {
        long n = Console.id(id);
        return users().role(n).orElseThrow(() -> new IdentityException(IdentityException.Kind.NOT_FOUND, "There is no role with id " + n + "."));
    }


    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
