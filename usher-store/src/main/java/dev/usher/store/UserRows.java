package dev.usher.store;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory.NewUser;
import dev.usher.core.identity.UserDirectory.UserChanges;
import dev.usher.core.identity.UserSource;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static dev.usher.store.AliasRows.insertAlias;
import static dev.usher.store.AliasRows.requireFreeAlias;

/**
 * The user rows: search, create, update, delete and passwords. {@link #load} is the one way the directory
 * reads a whole user (row, aliases and roles); every part loads users through it.
 */
final class UserRows {

    private static final String USER_COLUMNS =
            "u.id, u.name, u.display_name, u.email, u.source, u.enabled, u.created_at, u.last_seen_at";

    private final Database db;

    UserRows(Database db) {
        this.db = db;
    }

    List<User> list(String search, int offset, int limit) {
        return db.read(h -> {
            List<long[]> ids = new ArrayList<>();
            h.createQuery("SELECT u.id FROM users u WHERE " + SEARCH + " ORDER BY u.name, u.id LIMIT :lim OFFSET :off")
                    .bind("q", like(search)).bind("lim", limit).bind("off", offset)
                    .map((rs, ctx) -> ids.add(new long[] {rs.getLong(1)})).list();
            List<User> out = new ArrayList<>();
            for (long[] id : ids) {
                load(h, id[0]).ifPresent(out::add);
            }
            return out;
        });
    }

    int count(String search) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM users u WHERE " + SEARCH)
                .bind("q", like(search)).mapTo(Integer.class).one());
    }

    /** Matches name, display name, e-mail or any alias; :q is null to match everybody. */
    private static final String SEARCH = "(:q IS NULL OR LOWER(u.name) LIKE :q ESCAPE '!' OR LOWER(COALESCE(u.display_name, '')) LIKE :q ESCAPE '!'"
                + " OR LOWER(COALESCE(u.email, '')) LIKE :q ESCAPE '!'"
                + " OR EXISTS (SELECT 1 FROM user_aliases a WHERE a.user_id = u.id AND a.alias_key LIKE :q ESCAPE '!'))";

    private static String like(String search) {
        if (search == null || search.isBlank()) {
            return null;
        }
        // Searched as text: LIKE's wildcards in a name (alice_ws2) match themselves.
        String literal = search.strip().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + literal + "%";
    }

    Optional<User> find(long id) {
        return db.read(h -> load(h, id));
    }

    User create(NewUser u, Instant now) {
        return db.write((h, after) -> {
            requireFreeAlias(h, u.key(), null);
            long id = h.createQuery("""
                            INSERT INTO users (name, name_key, created_at, last_seen_at, display_name, email, source, enabled, password_hash)
                            VALUES (:name, :key, :now, :now, :dn, :email, :source, 1, :pw) RETURNING id""")
                    .bind("name", u.name()).bind("key", u.key()).bind("now", now.toEpochMilli())
                    .bind("dn", u.displayName()).bind("email", u.email()).bind("source", u.source().code())
                    .bind("pw", u.passwordHash())
                    .mapTo(Long.class).one();
            insertAlias(h, id, u.name(), u.key(), now);
            return load(h, id).orElseThrow();
        });
    }

    User update(long id, UserChanges c) {
        return db.write((h, after) -> {
            User current = load(h, id).orElseThrow(() -> notFound("user", id));
            h.createUpdate("UPDATE users SET display_name = :dn, email = :email, enabled = :en WHERE id = :id")
                    .bind("dn", c.displayName() != null ? blankToNull(c.displayName()) : current.displayName())
                    .bind("email", c.email() != null ? blankToNull(c.email()) : current.email())
                    .bind("en", (c.enabled() != null ? c.enabled() : current.enabled()) ? 1 : 0)
                    .bind("id", id).execute();
            return load(h, id).orElseThrow();
        });
    }

    private static String blankToNull(String s) {
        return s.isBlank() ? null : s.strip();
    }

    void delete(long id) {
        db.write((h, after) -> {
            User u = load(h, id).orElseThrow(() -> notFound("user", id));
            int live = h.createQuery("SELECT (SELECT COUNT(*) FROM sessions WHERE user_id = :id) + (SELECT COUNT(*) FROM seats WHERE user_id = :id)")
                    .bind("id", id).mapTo(Integer.class).one();
            if (live > 0) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, u.name() + " holds seats or sessions:"
                        + " release them first (usher release --user " + u.name() + "), or disable the user instead");
            }
            if (isLastAdministrator(h, id)) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "the last administrator cannot be deleted");
            }
            h.createUpdate("DELETE FROM auth_tokens WHERE user_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM role_members WHERE user_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM user_aliases WHERE user_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute();
            return null;
        });
    }

    private static boolean isLastAdministrator(Handle h, long userId) {
        return h.createQuery("""
                        SELECT COUNT(*) FROM role_members m JOIN roles r ON r.id = m.role_id
                        WHERE r.built_in = 'administrators' AND m.user_id <> :u""").bind("u", userId).mapTo(Integer.class).one() == 0
                && h.createQuery("""
                        SELECT COUNT(*) FROM role_members m JOIN roles r ON r.id = m.role_id
                        WHERE r.built_in = 'administrators' AND m.user_id = :u""").bind("u", userId).mapTo(Integer.class).one() > 0;
    }

    Optional<String> passwordHash(long id) {
        return db.read(h -> h.createQuery("SELECT password_hash FROM users WHERE id = :id").bind("id", id)
                .mapTo(String.class).findOne());
    }

    void setPasswordHash(long id, String hash) {
        db.write((h, after) -> {
            // A password makes an automatically created user a local account (it can now sign in).
            if (h.createUpdate("""
                            UPDATE users SET password_hash = :pw, source = CASE WHEN source = 'auto' THEN 'local' ELSE source END
                            WHERE id = :id""").bind("pw", hash).bind("id", id).execute() == 0) {
                throw notFound("user", id);
            }
            return null;
        });
    }

    /** The whole user: its row, its aliases (other than its own name) and its roles, All Users first. */
    static Optional<User> load(Handle h, long id) {
        Optional<User> base = h.createQuery("SELECT " + USER_COLUMNS + " FROM users u WHERE u.id = :id").bind("id", id)
                .map((rs, ctx) -> new User(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        UserSource.fromCode(rs.getString(5)), rs.getInt(6) == 1, Instant.ofEpochMilli(rs.getLong(7)),
                        Instant.ofEpochMilli(rs.getLong(8)), List.of(), List.of()))
                .findOne();
        return base.map(u -> {
            List<String> aliases = h.createQuery("SELECT alias FROM user_aliases WHERE user_id = :id ORDER BY created_at, alias_key")
                    .bind("id", id).mapTo(String.class).list();
            List<String> roles = new ArrayList<>(List.of("All Users"));
            roles.addAll(h.createQuery("SELECT r.name FROM role_members m JOIN roles r ON r.id = m.role_id WHERE m.user_id = :id ORDER BY r.id")
                    .bind("id", id).mapTo(String.class).list());
            return new User(u.id(), u.name(), u.displayName(), u.email(), u.source(), u.enabled(), u.createdAt(),
                    u.lastSeenAt(), aliases.stream().filter(a -> !a.equals(u.name())).toList(), roles);
        });
    }

    /** The directory's error for a user or role id that does not exist. */
    static IdentityException notFound(String what, long id) {
        return new IdentityException(IdentityException.Kind.NOT_FOUND, "no " + what + " with id " + id);
    }
}
