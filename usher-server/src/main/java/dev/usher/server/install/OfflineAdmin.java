package dev.usher.server.install;

import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserNames;
import dev.usher.core.identity.UserSource;
import dev.usher.server.auth.BearerTokens;
import dev.usher.server.auth.IdentityService;
import dev.usher.server.auth.PasswordHasher;
import dev.usher.store.SqlUserDirectory;
import dev.usher.store.sqlite.SqliteDatabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * What an administrator can do with the server stopped, straight on the data directory: the way back
 * in when every administrator password is lost. It takes the data directory's lock like a server
 * does, so it cannot run beside one (whose memory would not see the change anyway).
 */
public final class OfflineAdmin {

    /** What a reset did; {@code generatedPassword} is set when none was given and must be shown once. */
    public record Reset(String user, String generatedPassword, boolean created, boolean administrator, boolean enabled,
                        int signInsEnded) {}

    private OfflineAdmin() {
    }

    /**
     * Sets a local user's password (a generated one when {@code newPasswordOrNull} is null) and ends
     * their signed-in sessions. A missing {@code admin} is created as a local user in Administrators.
     *
     * @throws IllegalStateException when a server holds the data directory ("stop the server first"),
     *                               or the user cannot have a local password
     * @throws IllegalArgumentException when the directory is not a data directory, the user does not
     *                                  exist, or the password is too short or too long
     */
    public static Reset resetPassword(Path dataDir, String user, String newPasswordOrNull) {
        UserNames names = new UserNames(true);
        String key = names.key(user);
        String generated = newPasswordOrNull == null ? BearerTokens.newToken().substring(0, 20) : null;
        String password = newPasswordOrNull == null ? generated : newPasswordOrNull;
        PasswordHasher.requireAcceptable(password);
        if (!Files.isDirectory(dataDir) || !Files.isRegularFile(dataDir.resolve("usher.db"))) {
            throw new IllegalArgumentException("no Usher data directory at " + dataDir.toAbsolutePath()
                    + " (no usher.db): pass the server's --data DIR");
        }
        DataDirectory dir;
        try {
            dir = DataDirectory.open(dataDir);
        } catch (DataDirectory.DataDirectoryInUseException e) {
            throw new IllegalStateException("stop the server first (a reset works offline only; while it runs, use"
                    + " usher user password " + user.strip() + "): " + e.getMessage(), e);
        }
        try (dir; SqliteDatabase db = SqliteDatabase.open(dir.database())) {
            UserDirectory users = new SqlUserDirectory(db);
            Instant now = Instant.now();
            User u = users.resolve(key).orElse(null);
            boolean created = false;
            String hash = PasswordHasher.hash(password);
            if (u == null) {
                if (!key.equals(IdentityService.ADMIN_USER)) {
                    throw new IllegalArgumentException("no user '" + user.strip() + "' in " + dataDir.toAbsolutePath());
                }
                u = users.create(new UserDirectory.NewUser(names.display(IdentityService.ADMIN_USER), key, "Administrator", null,
                        UserSource.LOCAL, hash), now);
                Role admins = users.roles().stream().filter(r -> Role.ADMINISTRATORS.equals(r.builtIn())).findFirst().orElseThrow();
                users.addMember(admins.id(), u.id(), "manual");
                created = true;
            } else if (u.source() != UserSource.LOCAL) {
                throw new IllegalStateException("'" + u.name() + "' is " + switch (u.source()) {
                            case LDAP -> "a directory user: change the password in the directory";
                            case OIDC -> "a user of the identity provider (OIDC): it has no password in Usher";
                            default -> "a user created automatically by a client in open mode and cannot sign in with a password";
                        }
                        + "; reset the password of a local user, e.g. admin");
            } else {
                users.setPasswordHash(u.id(), hash);
            }
            // The password is known now: a start must not replace it as one that a failed first start never showed.
            new dev.usher.store.SqlSettingsRepository(db).remove(IdentityService.UNSHOWN_PASSWORD_KEY);
            // Whoever knew the old password may be signed in: those sessions end with it. API tokens stay.
            int ended = 0;
            for (UserDirectory.Token t : users.tokens(u.id())) {
                if ("session".equals(t.kind()) && users.deleteToken(t.id())) {
                    ended++;
                }
            }
            users.recordAdminEvent(now, "password-reset", System.getProperty("user.name", "unknown"), "offline", u.name(),
                    created ? "user created (offline reset)" : "offline reset" + (ended > 0 ? "; " + ended + " sign-in(s) ended" : ""));
            return new Reset(u.name(), generated, created, users.isAdministrator(u.id()), u.enabled(), ended);
        }
    }
}
