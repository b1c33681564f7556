package dev.usher.server.http;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserSource;
import dev.usher.server.auth.AuthSettings;
import dev.usher.server.auth.BearerTokens;
import dev.usher.server.auth.ldap.DirectoryLink;
import dev.usher.server.auth.Doctor;
import dev.usher.server.auth.ldap.LdapDirectory;
import dev.usher.server.auth.ldap.LdapSettings;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.Principal;
import dev.usher.server.seat.AdminReason;
import dev.usher.server.seat.SeatService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Sign-in, users, aliases, merges, roles, API tokens, authentication settings and the doctor. */
final class IdentityRoutes {

    record SignInBody(String user, String password) {}

    record SignInResponse(String token, Instant expiresAt, String user, boolean admin) {}

    /** {@code reason}: why an administrator disables the account (recorded, and told to its applications). */
    record UserBody(String name, String displayName, String email, String password, Boolean enabled, String source,
                    String reason) {}

    record AliasBody(String alias) {}

    record MergeBody(Long from) {}

    record RoleBody(String name, String ldapGroup) {}

    record TokenBody(String name) {}

    record TokenCreated(String id, String token, String name, String note) {}

    record SettingsBody(String authMode, Boolean autoCreateUsers, Boolean refuseMachineNames, Long sessionLifetimeMinutes,
                        Long sessionIdleMinutes) {}

    record SettingsView(String authMode, boolean autoCreateUsers, boolean refuseMachineNames, long sessionLifetimeMinutes,
                        long sessionIdleMinutes) {
        static SettingsView of(AuthSettings s) {
            return new SettingsView(s.mode().code(), s.autoCreateUsers(), s.refuseMachineNames(), s.sessionLifetime().toMinutes(),
                    s.sessionIdle().toMinutes());
        }
    }

    record UserView(long id, String name, String displayName, String email, String source, boolean enabled,
                    Instant createdAt, Instant lastSeenAt, List<String> aliases, List<String> roles) {
        static UserView of(User u) {
            return new UserView(u.id(), u.name(), u.displayName(), u.email(), u.source().code(), u.enabled(), u.createdAt(),
                    u.lastSeenAt(), u.aliases(), u.roles());
        }
    }

    record Page<T>(List<T> items, int total, int offset, int limit) {}

    record MergePreview(UserView into, UserView from, List<String> aliasesMoving, List<String> rolesMoving,
                        int seatsOfFrom, String note) {}

    /** LDAP settings: a member left null takes its default (see {@link LdapSettings}), for booleans and numbers too. */
    private static final tools.jackson.databind.ObjectReader LDAP_SETTINGS = JsonCodec.mapper().readerFor(LdapSettings.class)
            .without(tools.jackson.databind.DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final IdentityService identity;
    private final DirectoryLink directory;
    private final SeatService seats;
    private final RequestAuth auth;
    private final Doctor doctor;

    IdentityRoutes(IdentityService identity, DirectoryLink directory, SeatService seats, RequestAuth auth,
                   dev.usher.server.auth.HostHistory history) {
        this.identity = identity;
        this.directory = directory;
        this.seats = seats;
        this.auth = auth;
        this.doctor = new Doctor(identity.users(), identity.names(), seats, identity.clock(), history);
    }

    private UserDirectory users() {
        return identity.users();
    }

    void register(RoutesConfig r) {
        // Any change to who may do what forgets the remembered credential checks, so it counts at once.
        r.after(ctx -> {
            String path = ctx.path();
            if (!ctx.method().name().equals("GET") && (path.startsWith("/api/v1/users") || path.startsWith("/api/v1/stray-users") || path.startsWith("/api/v1/roles")
                    || path.startsWith("/api/v1/tokens") || path.startsWith("/api/v1/settings") || path.startsWith("/api/v1/auth"))) {
                identity.forgetCredentials();
            }
        });
        r.post("/api/v1/auth/sign-in", this::signIn);
        r.post("/api/v1/auth/sign-out", ctx -> {
            identity.signOut(BearerTokens.fromHeader(ctx.header("Authorization")));
            ctx.status(204);
        });
        r.get("/api/v1/auth/me", ctx -> {
            Principal p = auth.require(ctx);
            ctx.json(java.util.Map.of("user", p.name(), "admin", p.admin(), "via", p.via()));
        });

        r.get("/api/v1/users", auth.admin(this::listUsers));
        r.post("/api/v1/users", auth.admin(this::createUser));
        r.get("/api/v1/users/{id}", auth.admin(ctx -> ctx.json(UserView.of(user(ctx)))));
        r.patch("/api/v1/users/{id}", auth.admin(this::updateUser));
        r.delete("/api/v1/users/{id}", auth.admin(ctx -> {
            User u = user(ctx);
            users().delete(u.id());
            event(ctx, "user-deleted", u.name(), null);
            ctx.status(204);
        }));
        r.post("/api/v1/users/{id}/aliases", auth.admin(this::addAlias));
        r.delete("/api/v1/users/{id}/aliases/{alias}", auth.admin(ctx -> ctx.json(UserView.of(
                users().removeAlias(id(ctx), identity.names().key(ctx.pathParam("alias")))))));
        r.get("/api/v1/users/{id}/merge", auth.admin(this::mergePreview));
        r.post("/api/v1/users/{id}/merge", auth.admin(this::merge));
        r.get("/api/v1/users/{id}/tokens", auth.admin(ctx -> ctx.json(users().tokens(id(ctx)).stream()
                .filter(t -> t.kind().equals("api")).toList())));
        r.post("/api/v1/users/{id}/tokens", auth.admin(this::createToken));
        r.delete("/api/v1/tokens/{tokenId}", auth.admin(ctx -> {
            if (!users().deleteToken(ctx.pathParam("tokenId"))) {
                throw ApiProblem.notFound("no token with id " + ctx.pathParam("tokenId"));
            }
            identity.users().recordAdminEvent(identity.now(), "token-revoked", actor(ctx), ctx.ip(), ctx.pathParam("tokenId"), null);
            ctx.status(204);
        }));

        r.get("/api/v1/roles", auth.admin(ctx -> ctx.json(users().roles())));
        r.post("/api/v1/roles", auth.admin(this::createRole));
        r.get("/api/v1/roles/{id}", auth.admin(ctx -> ctx.json(role(ctx))));
        r.patch("/api/v1/roles/{id}", auth.admin(this::updateRole));
        r.delete("/api/v1/roles/{id}", auth.admin(ctx -> {
            Role role = role(ctx);
            users().deleteRole(role.id());
            event(ctx, "role-deleted", role.name(), null);
            ctx.status(204);
        }));
        r.get("/api/v1/roles/{id}/members", auth.admin(ctx -> ctx.json(users().members(role(ctx).id()).stream().map(UserView::of).toList())));
        r.put("/api/v1/roles/{id}/members/{userId}", auth.admin(ctx -> {
            Role role = role(ctx);
            users().addMember(role.id(), longParam(ctx, "userId"), "manual");
            event(ctx, "role-member-added", role.name(), "user " + ctx.pathParam("userId"));
            ctx.status(204);
        }));
        r.delete("/api/v1/roles/{id}/members/{userId}", auth.admin(ctx -> {
            Role role = role(ctx);
            users().removeMember(role.id(), longParam(ctx, "userId"));
            event(ctx, "role-member-removed", role.name(), "user " + ctx.pathParam("userId"));
            ctx.status(204);
        }));

        r.get("/api/v1/settings", auth.admin(ctx -> ctx.json(SettingsView.of(identity.authSettings()))));
        r.put("/api/v1/settings", auth.admin(this::saveSettings));

        r.get("/api/v1/settings/ldap", auth.admin(ctx -> ctx.json(directory.settings().map(LdapSettings::redacted)
                .map(x -> (Object) x).orElse(java.util.Map.of("configured", false)))));
        r.put("/api/v1/settings/ldap", auth.admin(ctx -> {
            LdapSettings saved = directory.save(JsonCodec.read(ctx, LDAP_SETTINGS));
            event(ctx, "ldap-settings", saved.url(), null);
            ctx.json(saved.redacted());
        }));
        r.delete("/api/v1/settings/ldap", auth.admin(ctx -> {
            directory.remove();
            event(ctx, "ldap-settings", null, "removed");
            ctx.status(204);
        }));
        r.post("/api/v1/settings/ldap/test", auth.admin(ctx -> {
            // Tests what the form holds (with the stored password if left out), or the stored settings.
            byte[] body = ctx.bodyAsBytes();
            LdapSettings s = body.length > 2
                    ? JsonCodec.<LdapSettings>read(ctx, LDAP_SETTINGS).keepingPasswordOf(directory.settings().orElse(null))
                    : directory.settings().orElseThrow(() -> ApiProblem.validation("no LDAP directory is configured"));
            var problems = s.problems();
            if (!problems.isEmpty()) {
                throw ApiProblem.validation(String.join("; ", problems));
            }
            var result = new LdapDirectory(s).checkConnection();
            ctx.json(java.util.Map.of("ok", result.ok(), "message", result.message()));
        }));
        r.post("/api/v1/settings/ldap/sync", auth.admin(ctx -> ctx.json(java.util.Map.of("summary", directory.sync()))));

        r.get("/api/v1/doctor", auth.admin(ctx -> ctx.json(doctor.examine())));
        r.post("/api/v1/doctor/fix", auth.admin(ctx -> ctx.json(java.util.Map.of("done", doctor.fix(actor(ctx))))));
    }

    private void signIn(Context ctx) {
        SignInBody body = JsonCodec.read(ctx, SignInBody.class);
        IdentityService.SignedIn s = identity.signIn(body.user(), body.password(), ctx.ip());
        ctx.json(new SignInResponse(s.token(), s.expiresAt(), s.user().name(), s.admin()));
    }

    private void listUsers(Context ctx) {
        String q = ctx.queryParam("search");
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(ctx, "limit", 50, 1, 1000);
        ctx.json(new Page<>(users().list(q, offset, limit).stream().map(UserView::of).toList(), users().count(q), offset, limit));
    }

    private void createUser(Context ctx) {
        UserBody b = JsonCodec.read(ctx, UserBody.class);
        AdminReason.require(b.reason()); // the same body as an update: a reason too long is refused, not ignored
        UserSource source = b.source() == null ? UserSource.LOCAL : UserSource.fromCode(b.source());
        if (source == UserSource.AUTO) {
            throw ApiProblem.validation("source must be local or ldap");
        }
        User u = identity.createUser(b.name(), text("displayName", b.displayName(), 200), text("email", b.email(), 254),
                b.password(), source, actor(ctx));
        ctx.status(201).header("Location", "/api/v1/users/" + u.id()).json(UserView.of(u));
    }

    private void updateUser(Context ctx) {
        User u = user(ctx);
        UserBody b = JsonCodec.read(ctx, UserBody.class);
        AdminReason.require(b.reason());
        if (b.name() != null && !b.name().equals(u.name())) {
            throw ApiProblem.validation("a user's name cannot be changed; add the new spelling as an alias");
        }
        // A password makes an automatically created user local; any other change of source is refused, not ignored.
        boolean becomesLocal = "local".equals(b.source()) && b.password() != null;
        if (b.source() != null && !b.source().equals(u.source().code()) && !becomesLocal) {
            throw ApiProblem.validation("a user's source cannot be changed (it is " + u.source().code() + ")");
        }
        if (b.password() != null) {
            identity.setPassword(u.id(), b.password(), actor(ctx));
        }
        User updated = users().update(u.id(), new UserDirectory.UserChanges(
                text("displayName", b.displayName(), 200), text("email", b.email(), 254), b.enabled()));
        if (b.enabled() != null && b.enabled() != u.enabled()) {
            event(ctx, b.enabled() ? "user-enabled" : "user-disabled", u.name(), b.enabled() ? null : b.reason());
        }
        if (Boolean.FALSE.equals(b.enabled())) {
            // Also when it was disabled already: what a disabled account still holds is never kept.
            seats.releaseDisabledPerson(updated.name(), b.reason(), null);
        }
        ctx.json(UserView.of(updated));
    }

    private void addAlias(Context ctx) {
        AliasBody b = JsonCodec.read(ctx, AliasBody.class);
        User u = users().addAlias(id(ctx), identity.names().display(b.alias()), identity.names().key(b.alias()), identity.now());
        event(ctx, "alias-added", u.name(), b.alias());
        ctx.status(201).json(UserView.of(u));
    }

    private void mergePreview(Context ctx) {
        User into = user(ctx);
        long fromId = longQuery(ctx, "from");
        User from = users().find(fromId).orElseThrow(() -> ApiProblem.notFound("no user with id " + fromId));
        int seatsOfFrom = (int) seats.seatsHeld().stream().filter(s -> s.user().equals(from.name())).count();
        List<String> aliases = new java.util.ArrayList<>(List.of(from.name()));
        aliases.addAll(from.aliases());
        ctx.json(new MergePreview(UserView.of(into), UserView.of(from), aliases,
                from.roles().stream().filter(r -> !into.roles().contains(r)).toList(), seatsOfFrom,
                "'" + from.name() + "' will be removed; its names will mean '" + into.name() + "'. Where both hold a seat of"
                        + " the same pool, the sessions of '" + from.name() + "' join the seat of '" + into.name()
                        + "' and the other seat is released."));
    }

    private void merge(Context ctx) {
        MergeBody b = JsonCodec.read(ctx, MergeBody.class);
        if (b.from() == null) {
            throw ApiProblem.validation("send {\"from\": <id of the user to merge into this one>}");
        }
        UserDirectory.MergeResult r = identity.merge(id(ctx), b.from(), actor(ctx));
        ctx.json(java.util.Map.of("user", UserView.of(r.into()), "aliasesMoved", r.aliasesMoved(), "rolesMoved", r.rolesMoved(),
                "sessionsMoved", r.sessionsMoved(), "seatsMoved", r.seatsMoved(), "seatsReleased", r.seatsReleased()));
    }

    private void createToken(Context ctx) {
        TokenBody b = JsonCodec.read(ctx, TokenBody.class);
        IdentityService.ApiToken t = identity.createApiToken(id(ctx), b.name(), actor(ctx));
        ctx.status(201).json(new TokenCreated(t.id(), t.token(), b.name(), "shown once: store it now; only its hash is kept"));
    }

    private void createRole(Context ctx) {
        RoleBody b = JsonCodec.read(ctx, RoleBody.class);
        Role role = users().createRole(roleName(b.name()), roleName(b.name()).toLowerCase(Locale.ROOT), blank(text("ldapGroup", b.ldapGroup(), 256)), identity.now());
        event(ctx, "role-created", role.name(), null);
        ctx.status(201).json(role);
    }

    private void updateRole(Context ctx) {
        Role role = role(ctx);
        RoleBody b = JsonCodec.read(ctx, RoleBody.class);
        String name = b.name() == null ? role.name() : roleName(b.name());
        ctx.json(users().updateRole(role.id(), name, name.toLowerCase(Locale.ROOT), b.ldapGroup() == null ? role.ldapGroup() : blank(text("ldapGroup", b.ldapGroup(), 256))));
        event(ctx, "role-updated", name, null);
    }

    private void saveSettings(Context ctx) {
        SettingsBody b = JsonCodec.read(ctx, SettingsBody.class);
        AuthSettings s = identity.authSettings();
        AuthSettings next = new AuthSettings(
                b.authMode() == null ? s.mode() : AuthMode.fromCode(b.authMode()),
                b.autoCreateUsers() == null ? s.autoCreateUsers() : b.autoCreateUsers(),
                b.refuseMachineNames() == null ? s.refuseMachineNames() : b.refuseMachineNames(),
                b.sessionLifetimeMinutes() == null ? s.sessionLifetime() : Duration.ofMinutes(b.sessionLifetimeMinutes()),
                b.sessionIdleMinutes() == null ? s.sessionIdle() : Duration.ofMinutes(b.sessionIdleMinutes()));
        ctx.json(SettingsView.of(identity.saveAuthSettings(next, actor(ctx))));
    }

    private static String roleName(String name) {
        if (name == null || name.isBlank() || name.strip().length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            throw ApiProblem.validation("a role name must have 1-100 printable characters");
        }
        return name.strip();
    }

    /** A free-text field as sent (null stays null), refused when too long or holding control characters. */
    private static String text(String field, String value, int max) {
        if (value != null && (value.length() > max || value.chars().anyMatch(Character::isISOControl))) {
            throw ApiProblem.validation(field + " must be at most " + max + " printable characters");
        }
        return value;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private User user(Context ctx) {
        long id = id(ctx);
        return users().find(id).orElseThrow(() -> ApiProblem.notFound("no user with id " + id));
    }

    private Role role(Context ctx) {
        long id = id(ctx);
        return users().role(id).orElseThrow(() -> ApiProblem.notFound("no role with id " + id));
    }

    private static long id(Context ctx) {
        return longParam(ctx, "id");
    }

    private static long longParam(Context ctx, String name) {
        try {
            return Long.parseLong(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw ApiProblem.validation(name + " must be a number (got '" + ctx.pathParam(name) + "')");
        }
    }

    private static long longQuery(Context ctx, String name) {
        String v = ctx.queryParam(name);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiProblem.validation("query parameter " + name + " must be a user id");
        }
    }

    static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the message
        }
        throw ApiProblem.validation(name + " must be a number between " + min + " and " + max);
    }

    private String actor(Context ctx) {
        return auth.principal(ctx).map(Principal::name).orElse("unknown");
    }

    private void event(Context ctx, String type, String target, String detail) {
        identity.users().recordAdminEvent(identity.now(), type, actor(ctx), ctx.ip(), target, detail);
    }

}
