package dev.usher.store;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.usher.store.UserRows.load;
import static dev.usher.store.UserRows.notFound;

/**
 * Roles and their members. The built-in roles guard themselves here: All Users always holds everyone, and
 * Administrators never loses its last member. Telling the seats that members changed is the facade's
 * ({@link SqlUserDirectory}), after each write has committed.
 */
final class RoleRows {

    private final Database db;

    RoleRows(Database db) {
        this.db = db;
    }

    List<Role> roles() {
        return db.read(h -> h.createQuery("""
                        SELECT r.id, r.name, r.built_in, r.ldap_group,
                          CASE WHEN r.built_in = 'all-users' THEN (SELECT COUNT(*) FROM users)
                               ELSE (SELECT COUNT(*) FROM role_members m WHERE m.role_id = r.id) END
                        FROM roles r ORDER BY r.id""")
                .map((rs, ctx) -> role(rs)).list());
    }

    private static Role role(ResultSet rs) throws SQLException {
        return new Role(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5));
    }

    Optional<Role> role(long id) {
        return roles().stream().filter(r -> r.id() == id).findFirst();
    }

    Role createRole(String name, String key, String ldapGroup, Instant now) {
        long id = db.write((h, after) -> {
            requireFreeRoleName(h, key, null);
            return h.createQuery("INSERT INTO roles (name, name_key, ldap_group, created_at) VALUES (:n, :k, :g, :now) RETURNING id")
                    .bind("n", name).bind("k", key).bind("g", ldapGroup).bind("now", now.toEpochMilli())
                    .mapTo(Long.class).one();
        });
        return role(id).orElseThrow();
    }

    Role updateRole(long id, String name, String key, String ldapGroup) {
        db.write((h, after) -> {
            String builtIn = builtIn(h, id);
            if (Role.ALL_USERS.equals(builtIn)) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "All Users is built in: it always contains everyone and cannot be edited");
            }
            if (builtIn != null && !h.createQuery("SELECT name_key FROM roles WHERE id = :id").bind("id", id).mapTo(String.class).one().equals(key)) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "built-in roles cannot be renamed");
            }
            requireFreeRoleName(h, key, id);
            h.createUpdate("UPDATE roles SET name = :n, name_key = :k, ldap_group = :g WHERE id = :id")
                    .bind("n", name).bind("k", key).bind("g", ldapGroup).bind("id", id).execute();
            return null;
        });
        return role(id).orElseThrow();
    }

    void deleteRole(long id) {
        db.write((h, after) -> {
            if (builtIn(h, id) != null) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "built-in roles cannot be deleted");
            }
            h.createUpdate("DELETE FROM role_members WHERE role_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM roles WHERE id = :id").bind("id", id).execute();
            return null;
        });
    }

    private static String builtIn(Handle h, long roleId) {
        return h.createQuery("SELECT built_in FROM roles WHERE id = :id").bind("id", roleId)
                .map((rs, ctx) -> Optional.ofNullable(rs.getString(1))).findOne()
                .orElseThrow(() -> notFound("role", roleId)).orElse(null);
    }

    private static void requireFreeRoleName(Handle h, String key, Long except) {
        h.createQuery("SELECT id FROM roles WHERE name_key = :k").bind("k", key).mapTo(Long.class).findOne()
                .filter(id -> !id.equals(except))
                .ifPresent(id -> {
                    throw new IdentityException(IdentityException.Kind.NAME_TAKEN, "a role named '" + key + "' exists already");
                });
    }

    void addMember(long roleId, long userId, String origin) {
        db.write((h, after) -> {
            if (Role.ALL_USERS.equals(builtIn(h, roleId))) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "everyone is in All Users already");
            }
            load(h, userId).orElseThrow(() -> notFound("user", userId));
            h.createUpdate("INSERT INTO role_members (role_id, user_id, origin) VALUES (:r, :u, :o) ON CONFLICT (role_id, user_id) DO NOTHING")
                    .bind("r", roleId).bind("u", userId).bind("o", origin).execute();
            return null;
        });
    }

    void removeMember(long roleId, long userId) {
        db.write((h, after) -> {
            if (Role.ALL_USERS.equals(builtIn(h, roleId))) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "nobody can leave All Users");
            }
            if (Role.ADMINISTRATORS.equals(builtIn(h, roleId))) {
                int admins = h.createQuery("SELECT COUNT(*) FROM role_members WHERE role_id = :r AND user_id <> :u")
                        .bind("r", roleId).bind("u", userId).mapTo(Integer.class).one();
                if (admins == 0) {
                    throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "the last administrator cannot leave Administrators");
                }
            }
            h.createUpdate("DELETE FROM role_members WHERE role_id = :r AND user_id = :u").bind("r", roleId).bind("u", userId).execute();
            return null;
        });
    }

    void setDirectoryMembers(long roleId, Set<Long> userIds) {
        db.write((h, after) -> {
            h.createUpdate("DELETE FROM role_members WHERE role_id = :r AND origin = 'ldap'").bind("r", roleId).execute();
            for (long u : userIds) {
                h.createUpdate("INSERT INTO role_members (role_id, user_id, origin) VALUES (:r, :u, 'ldap') ON CONFLICT (role_id, user_id) DO NOTHING")
                        .bind("r", roleId).bind("u", u).execute();
            }
            return null;
        });
    }

    List<User> members(long roleId) {
        return db.read(h -> {
            List<Long> ids = Role.ALL_USERS.equals(builtIn(h, roleId))
                    ? h.createQuery("SELECT id FROM users ORDER BY name").mapTo(Long.class).list()
                    : h.createQuery("SELECT m.user_id FROM role_members m JOIN users u ON u.id = m.user_id WHERE m.role_id = :r ORDER BY u.name")
                    .bind("r", roleId).mapTo(Long.class).list();
            List<User> out = new ArrayList<>();
            for (long id : ids) {
                load(h, id).ifPresent(out::add);
            }
            return out;
        });
    }

    boolean isAdministrator(long userId) {
        return db.read(h -> h.createQuery("""
                        SELECT COUNT(*) FROM role_members m JOIN roles r ON r.id = m.role_id
                        WHERE m.user_id = :u AND r.built_in = 'administrators'""")
                .bind("u", userId).mapTo(Integer.class).one() > 0);
    }
}
