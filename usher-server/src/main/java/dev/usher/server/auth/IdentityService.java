package dev.usher.server.auth;

import dev.usher.core.identity.AuthMode;
import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserNames;
import dev.usher.core.identity.UserSource;
import dev.usher.core.store.SettingsRepository;
import dev.usher.server.auth.AdminCredentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * People and credentials as the API uses them: the authentication mode, sign-in (local argon2id
 * passwords or an LDAP / AD bind) with throttling, bearer tokens, and the first administrator.
 */
public final class IdentityService {

    static final String MODE_KEY = "auth.mode";
    static final String AUTO_CREATE_KEY = "auth.autoCreateUsers";
    /** Absent in installations from before the rule (off); a new installation's first start stores it on. */
    public static final String REFUSE_MACHINE_NAMES_KEY = "auth.refuseMachineNames";
    static final String LIFETIME_KEY = "auth.sessionLifetimeMinutes";
    static final String IDLE_KEY = "auth.sessionIdleMinutes";
    /** Set while the first administrator's generated password has not been shown by a successful start. */
    public static final String UNSHOWN_PASSWORD_KEY = "admin.password.unshown";
    public static final String ADMIN_USER = "admin";
    /** Failures in a row after which a sign-in lockout is recorded for the administrator to see. */
    static final int LOCKOUT_EVENT_AFTER = 5;
    /** A token's last use is written at most this often: an API call is not a database write. */
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    /** A successful sign-in: the bearer token (shown once) and when it ends at the latest. */
    public record SignedIn(String token, Instant expiresAt, User user, boolean admin) {}

    /** A refused sign-in: always the same words, whatever was wrong, so names cannot be probed. */
    public static final class SignInRefused extends RuntimeException {
        private final Duration retryAfter;

        SignInRefused(String message, Duration retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        /** Set when the caller must wait (429); null for a wrong name or password (401). */
        public Duration retryAfter() {
            return retryAfter;
        }

        /**
         * The wait in whole seconds for {@code Retry-After}, rounded up: a client that waits exactly this
         * long is not refused again (rounded down, 1.7 s said 1).
         */
        public long retryAfterSeconds() {
            return retryAfter == null ? 0 : wholeSecondsUp(retryAfter);
        }
    }

    static long wholeSecondsUp(Duration wait) {
        long whole = wait.toSeconds();
        return Math.max(1, wait.equals(Duration.ofSeconds(whole)) ? whole : whole + 1);
    }

    private final UserDirectory users;
    private final SettingsRepository settings;
    private final AdminCredentials bootstrap;
    private final UserNames names;
    private final Clock clock;
    private final Supplier<Optional<PasswordDirectory>> directory;
    private final SignInThrottle throttle;
    private final AtomicReference<AuthSettings> current;
    /**
     * Recently checked bearer tokens, for at most {@link #REMEMBER}: a heartbeat in session mode must
     * not cost three database reads. Every admin change to people, roles, tokens or settings forgets
     * them all ({@link #forgetCredentials}), so revocations take effect at once; anything else
     * (a directory sync) within {@link #REMEMBER}.
     */
    private final java.util.Map<String, Remembered> remembered = new java.util.concurrent.ConcurrentHashMap<>();
    static final Duration REMEMBER = Duration.ofSeconds(2);

    private record Remembered(Principal principal, Instant at, Instant expires) {}

    public IdentityService(UserDirectory users, SettingsRepository settings, AdminCredentials bootstrap, UserNames names,
                           Clock clock, Supplier<Optional<PasswordDirectory>> directory) {
        this.users = users;
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.names = names;
        this.clock = clock;
        this.directory = directory;
        this.throttle = new SignInThrottle(clock);
        this.current = new AtomicReference<>(load());
    }

    public Clock clock() {
        return clock;
    }

    public Instant now() {
        return clock.instant();
    }

    public UserNames names() {
        return names;
    }

    public UserDirectory users() {
        return users;
    }

    // ---- settings ----------------------------------------------------------------------------

    private AuthSettings load() {
        AuthSettings d = AuthSettings.DEFAULT;
        return new AuthSettings(
                settings.get(MODE_KEY).map(AuthMode::fromCode).orElse(d.mode()),
                settings.get(AUTO_CREATE_KEY).map(Boolean::parseBoolean).orElse(d.autoCreateUsers()),
                settings.get(REFUSE_MACHINE_NAMES_KEY).map(Boolean::parseBoolean).orElse(d.refuseMachineNames()),
                settings.get(LIFETIME_KEY).map(m -> Duration.ofMinutes(Long.parseLong(m))).orElse(d.sessionLifetime()),
                settings.get(IDLE_KEY).map(m -> Duration.ofMinutes(Long.parseLong(m))).orElse(d.sessionIdle()));
    }

    public AuthSettings authSettings() {
        return current.get();
    }

    /** Changes the settings at runtime; live seats are never touched by a mode switch. */
    public AuthSettings saveAuthSettings(AuthSettings s, String actor) {
        settings.put(MODE_KEY, s.mode().code());
        settings.put(AUTO_CREATE_KEY, String.valueOf(s.autoCreateUsers()));
        settings.put(REFUSE_MACHINE_NAMES_KEY, String.valueOf(s.refuseMachineNames()));
        settings.put(LIFETIME_KEY, String.valueOf(s.sessionLifetime().toMinutes()));
        settings.put(IDLE_KEY, String.valueOf(s.sessionIdle().toMinutes()));
        AuthSettings before;
        synchronized (this) { // after any reload that read the settings before they were saved
            before = current.getAndSet(s);
        }
        String source = dev.usher.core.audit.Actor.current().source();
        Instant now = clock.instant();
        if (before.mode() != s.mode()) {
            users.recordAdminEvent(now, "auth-mode", actor, source, s.mode().code(), "was " + before.mode().code());
        }
        if (before.autoCreateUsers() != s.autoCreateUsers()) {
            users.recordAdminEvent(now, "auto-create-users", actor, source, s.autoCreateUsers() ? "on" : "off",
                    "was " + (before.autoCreateUsers() ? "on" : "off") + ": unknown names in open mode "
                            + (s.autoCreateUsers() ? "become new users" : "are refused (403 unknown-user)"));
        }
        if (before.refuseMachineNames() != s.refuseMachineNames()) {
            users.recordAdminEvent(now, "refuse-machine-names", actor, source, s.refuseMachineNames() ? "on" : "off",
                    "was " + (before.refuseMachineNames() ? "on" : "off") + ": in open mode a user name that is a computer's "
                            + (s.refuseMachineNames() ? "is refused (403 user-is-a-machine)" : "gets a seat like a person's"));
        }
        if (!before.sessionLifetime().equals(s.sessionLifetime()) || !before.sessionIdle().equals(s.sessionIdle())) {
            users.recordAdminEvent(now, "sign-in-lifetime", actor, source, "sign-ins",
                    "lifetime " + before.sessionLifetime().toMinutes() + " -> " + s.sessionLifetime().toMinutes() + " min, idle "
                            + before.sessionIdle().toMinutes() + " -> " + s.sessionIdle().toMinutes() + " min");
        }
        return s;
    }

    // ---- who is calling ----------------------------------------------------------------------

    /** The principal a bearer token stands for, or empty when it is unknown, expired or its user disabled. */
    public Optional<Principal> authenticate(String bearer) {
        if (bearer == null) {
            return Optional.empty();
        }
        if (bootstrap.accepts(bearer)) {
            Long adminId = users.resolve(names.key(ADMIN_USER)).map(User::id).orElse(null);
            return Optional.of(new Principal(adminId, ADMIN_USER, true, "bootstrap"));
        }
        Instant now = clock.instant();
        String hash = BearerTokens.sha256Hex(bearer);
        Remembered r = remembered.get(hash);
        if (r != null && now.isBefore(r.at().plus(REMEMBER)) && !now.isBefore(r.at()) && (r.expires() == null || now.isBefore(r.expires()))) {
            return Optional.of(r.principal());
        }
        Optional<UserDirectory.Token> token = users.findToken(hash);
        if (token.isEmpty() || !isValid(token.get(), now)) {
            return Optional.empty();
        }
        UserDirectory.Token t = token.get();
        Optional<User> user = users.find(t.userId()).filter(User::enabled);
        if (user.isEmpty()) {
            return Optional.empty();
        }
        if (t.lastUsedAt() == null || Duration.between(t.lastUsedAt(), now).compareTo(TOUCH_EVERY) >= 0) {
            users.touchToken(t.id(), now);
        }
        Principal p = new Principal(t.userId(), user.get().name(), users.isAdministrator(t.userId()), t.kind());
        if (remembered.size() > 100_000) {
            remembered.clear(); // bounded; it refills from the store
        }
        remembered.put(hash, new Remembered(p, now, t.expiresAt()));
        return Optional.of(p);
    }

    /** Reads the settings again and forgets remembered credentials (another node changed something). */
    public synchronized void reload() {
        current.set(load());
        remembered.clear();
    }

    /** Forgets every remembered credential check (after any change to people, roles, tokens or settings). */
    public void forgetCredentials() {
        remembered.clear();
    }

    private boolean isValid(UserDirectory.Token t, Instant now) {
        if (t.expiresAt() != null && !now.isBefore(t.expiresAt())) {
            return false;
        }
        // A sign-in also ends when unused for the idle timeout (measured to the minute it was last written).
        return !"session".equals(t.kind()) || t.lastUsedAt() == null
                || now.isBefore(t.lastUsedAt().plus(current.get().sessionIdle()).plus(TOUCH_EVERY));
    }

    // ---- sign-in -----------------------------------------------------------------------------

    public SignedIn signIn(String name, String password, String address) {
        if (name == null || name.isBlank() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("send a user name and a password");
        }
        String key;
        try {
            key = names.key(name);
        } catch (UserNames.InvalidNameException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        Optional<Duration> wait = throttle.wait(key, address);
        if (wait.isPresent()) {
            users.recordAdminEvent(clock.instant(), "sign-in-throttled", name, address, key, null);
            throw new SignInRefused("too many failed sign-ins: wait " + wholeSecondsUp(wait.get())
                    + " s before trying again", wait.get());
        }
        Optional<User> user = users.resolve(key);
        Optional<User> authenticated = Optional.empty();
        if (user.isPresent() && user.get().source() == UserSource.LOCAL) {
            if (PasswordHasher.verify(password, users.passwordHash(user.get().id()).orElse(null))) {
                authenticated = user;
            }
        } else {
            Optional<PasswordDirectory> ldap = directory.get();
            if (ldap.isPresent() && (user.isEmpty() || user.get().source() != UserSource.AUTO)) {
                authenticated = ldap.get().authenticate(name.strip(), password).map(this::upsertDirectoryUser);
            } else {
                PasswordHasher.verify(password, null); // same time as a real check
            }
        }
        Instant now = clock.instant();
        if (authenticated.isEmpty() || !authenticated.get().enabled()) {
            int failures = throttle.failed(key, address);
            users.recordAdminEvent(now, "sign-in-failed", name, address, key, failures + " failure(s) in a row");
            if (failures == LOCKOUT_EVENT_AFTER) {
                users.recordAdminEvent(now, "sign-in-lockout", name, address, key, "sign-ins slowed down after " + failures + " failures");
            }
            throw new SignInRefused("the user name or password is wrong, or the account is disabled", null);
        }
        throttle.succeeded(key, address);
        return openSession(authenticated.get(), address, null);
    }

    /**
     * A sign-in of someone whose identity was proven already (a password above, or the site's identity
     * provider): a session token with the lifetime of the settings, recorded as {@code sign-in}.
     *
     * @param via how they proved it, recorded in the event's detail (null: a password)
     */
    public SignedIn openSession(User u, String address, String via) {
        Instant now = clock.instant();
        String token = BearerTokens.newToken();
        Instant expires = now.plus(current.get().sessionLifetime());
        users.saveToken(new UserDirectory.Token(UUID.randomUUID().toString(), u.id(), "session", null, now, expires, now),
                BearerTokens.sha256Hex(token));
        users.recordAdminEvent(now, "sign-in", u.name(), address, u.name(), via);
        return new SignedIn(token, expires, u, users.isAdministrator(u.id()));
    }

    private User upsertDirectoryUser(DirectoryAccount account) {
        Instant now = clock.instant();
        String key = names.key(account.name());
        User user = users.resolve(key).orElseGet(() -> users.create(new UserDirectory.NewUser(names.display(account.name()), key,
                account.displayName(), account.email(), UserSource.LDAP, null), now));
        user = users.update(user.id(), new UserDirectory.UserChanges(account.displayName(), account.email(), account.enabled()));
        DirectoryRoles.follow(users, user, account.groups(), DirectoryRoles::groupOf, "ldap");
        return user;
    }

    public void signOut(String bearer) {
        forgetCredentials();
        if (bearer != null) {
            users.findToken(BearerTokens.sha256Hex(bearer)).filter(t -> "session".equals(t.kind()))
                    .ifPresent(t -> users.deleteToken(t.id()));
        }
    }

    /** A new API token: its id (to list and revoke it by) and the token itself, shown once. */
    public record ApiToken(String id, String token) {}

    /** A long-lived API token for a user (build machines, services); returned once, stored hashed. */
    public ApiToken createApiToken(long userId, String name, String actor) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new IllegalArgumentException("a token needs a name of 1-100 characters (what it is for)");
        }
        User u = users.find(userId).orElseThrow(() -> new IdentityException(IdentityException.Kind.NOT_FOUND, "no user with id " + userId));
        String token = BearerTokens.newToken();
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        users.saveToken(new UserDirectory.Token(id, u.id(), "api", name.strip(), now, null, now), BearerTokens.sha256Hex(token));
        users.recordAdminEvent(now, "token-created", actor, dev.usher.core.audit.Actor.current().source(), u.name(), name.strip());
        return new ApiToken(id, token);
    }

    // ---- users -------------------------------------------------------------------------------

    /** Creates a local (password) or directory user. */
    public User createUser(String name, String displayName, String email, String password, UserSource source, String actor) {
        String key = names.key(name);
        String hash = password == null ? null : PasswordHasher.hash(password);
        if (source == UserSource.LOCAL && hash == null) {
            throw new IllegalArgumentException("a local user needs a password (at least " + PasswordHasher.MIN_LENGTH + " characters)");
        }
        User u = users.create(new UserDirectory.NewUser(names.display(name), key, displayName, email, source, hash), clock.instant());
        users.recordAdminEvent(clock.instant(), "user-created", actor, dev.usher.core.audit.Actor.current().source(), u.name(), source.code());
        return u;
    }

    /**
     * Merges user {@code fromId} into {@code intoId} and records it naming both people (the one merged away no longer
     * exists afterwards, so an id alone would name nobody).
     */
    public UserDirectory.MergeResult merge(long intoId, long fromId, String actor) {
        String fromName = users.find(fromId).map(User::name).orElse("user " + fromId);
        UserDirectory.MergeResult r = users.merge(intoId, fromId, clock.instant());
        users.recordAdminEvent(clock.instant(), "user-merged", actor, dev.usher.core.audit.Actor.current().source(), r.into().name(),
                "merged " + fromName + " (user " + fromId + ") into " + r.into().name() + " (user " + r.into().id() + "): "
                        + r.aliasesMoved() + " alias(es), " + r.rolesMoved() + " role(s), " + r.sessionsMoved() + " session(s) moved, "
                        + r.seatsReleased() + " duplicate seat(s) released");
        return r;
    }

    /** The start succeeded: the generated password was shown, and later starts leave it alone. */
    public void administratorPasswordShown() {
        settings.remove(UNSHOWN_PASSWORD_KEY);
    }

    public void setPassword(long userId, String password, String actor) {
        User u = users.find(userId).orElseThrow(() -> new IdentityException(IdentityException.Kind.NOT_FOUND, "no user with id " + userId));
        if (u.source() == UserSource.LDAP || u.source() == UserSource.OIDC) {
            throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, u.name() + " signs in through the "
                    + (u.source() == UserSource.LDAP ? "directory" : "identity provider") + "; change the password there");
        }
        users.setPasswordHash(userId, PasswordHasher.hash(password));
        users.recordAdminEvent(clock.instant(), "password-set", actor, dev.usher.core.audit.Actor.current().source(), u.name(), null);
    }

    /**
     * Creates the first administrator, {@code admin}, when no member of Administrators exists: with
     * {@code password} if given, else a generated one, which is returned to be shown once.
     */
    public Optional<String> ensureAdministrator(String password) {
        Role admins = users.roles().stream().filter(r -> Role.ADMINISTRATORS.equals(r.builtIn())).findFirst().orElseThrow();
        boolean neverShown = settings.get(UNSHOWN_PASSWORD_KEY).isPresent();
        if (admins.members() > 0 && !neverShown) {
            return Optional.empty();
        }
        String generated = null;
        if (password == null || password.isBlank()) {
            generated = BearerTokens.newToken().substring(0, 20);
            password = generated;
            // Until the start succeeds (and says it), a later start makes a new one: nobody may be left with a password never shown.
            settings.put(UNSHOWN_PASSWORD_KEY, "true");
        } else {
            settings.remove(UNSHOWN_PASSWORD_KEY);
        }
        User admin = users.resolve(names.key(ADMIN_USER)).orElse(null);
        if (admin != null && admins.members() > 0) {
            users.setPasswordHash(admin.id(), PasswordHasher.hash(password)); // the earlier start failed before showing its password
            return Optional.ofNullable(generated);
        }
        if (admin == null) {
            admin = createUser(ADMIN_USER, "Administrator", null, password, UserSource.LOCAL, "usher");
        } else {
            users.setPasswordHash(admin.id(), PasswordHasher.hash(password));
        }
        users.addMember(admins.id(), admin.id(), "manual");
        return Optional.ofNullable(generated);
    }
}
