package dev.usher.store;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.Role;
import dev.usher.core.identity.User;
import dev.usher.core.identity.UserDirectory;
import dev.usher.core.identity.UserSource;
import dev.usher.core.seat.PoolKey;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Users, aliases, roles and tokens in portable SQL. */
public final class SqlUserDirectory implements UserDirectory {

    private static final String USER_COLUMNS =
            "u.id, u.name, u.display_name, u.email, u.source, u.enabled, u.created_at, u.last_seen_at";

    private final Database db;
    private volatile PeopleSeats seats;

    public SqlUserDirectory(Database db) {
        this.db = db;
    }

    /**
     * The seats that follow people: a merge moves the duplicate's seats with the seat decision, and a
     * change of role members makes the seats count again against the pools' limit rules. Set once by the
     * composition root (the seat store is made after the people it is about).
     */
    public void seatsFollow(PeopleSeats seats) {
        this.seats = seats;
    }

    private void membersChanged() {
        var s = seats;
        if (s != null) {
            s.rulesChanged();
        }
    }

    // ---- users -------------------------------------------------------------------------------

    @Override
    public List<User> list(String search, int offset, int limit) {
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

    @Override
    public int count(String search) {
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

    @Override
    public Optional<User> find(long id) {
        return db.read(h -> load(h, id));
    }

    @Override
    public Optional<User> resolve(String key) {
        return db.read(h -> h.createQuery("SELECT user_id FROM user_aliases WHERE alias_key = :k").bind("k", key)
                .mapTo(Long.class).findOne().flatMap(id -> load(h, id)));
    }

    @Override
    public User create(NewUser u, Instant now) {
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

    @Override
    public User update(long id, UserChanges c) {
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

    @Override
    public void delete(long id) {
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

    @Override
    public Optional<String> passwordHash(long id) {
        return db.read(h -> h.createQuery("SELECT password_hash FROM users WHERE id = :id").bind("id", id)
                .mapTo(String.class).findOne());
    }

    @Override
    public void setPasswordHash(long id, String hash) {
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

    @Override
    public User addAlias(long id, String alias, String key, Instant now) {
        return db.write((h, after) -> {
            load(h, id).orElseThrow(() -> notFound("user", id));
            Optional<Long> owner = h.createQuery("SELECT user_id FROM user_aliases WHERE alias_key = :k").bind("k", key)
                    .mapTo(Long.class).findOne();
            if (owner.isPresent() && owner.get() == id) {
                return load(h, id).orElseThrow();
            }
            requireFreeAlias(h, key, id);
            insertAlias(h, id, alias, key, now);
            return load(h, id).orElseThrow();
        });
    }

    @Override
    public User removeAlias(long id, String key) {
        return db.write((h, after) -> {
            User u = load(h, id).orElseThrow(() -> notFound("user", id));
            String own = h.createQuery("SELECT name_key FROM users WHERE id = :id").bind("id", id).mapTo(String.class).one();
            if (own.equals(key)) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "'" + u.name() + "' is the user's own name, not an alias");
            }
            if (h.createUpdate("DELETE FROM user_aliases WHERE alias_key = :k AND user_id = :id").bind("k", key).bind("id", id).execute() == 0) {
                throw new IdentityException(IdentityException.Kind.NOT_FOUND, "'" + key + "' is not an alias of " + u.name());
            }
            return load(h, id).orElseThrow();
        });
    }

    private static void requireFreeAlias(Handle h, String key, Long exceptUser) {
        h.createQuery("""
                        SELECT u.name FROM user_aliases a JOIN users u ON u.id = a.user_id WHERE a.alias_key = :k""")
                .bind("k", key).mapTo(String.class).findOne()
                .ifPresent(owner -> {
                    throw new IdentityException(IdentityException.Kind.NAME_TAKEN,
                            "'" + key + "' already means user '" + owner + "'; merge the two users instead");
                });
    }

    private static void insertAlias(Handle h, long userId, String alias, String key, Instant now) {
        h.createUpdate("INSERT INTO user_aliases (alias_key, user_id, alias, created_at) VALUES (:k, :u, :a, :now)")
                .bind("k", key).bind("u", userId).bind("a", alias).bind("now", now.toEpochMilli()).execute();
    }

    // ---- merge -------------------------------------------------------------------------------

    @Override
    public MergeResult merge(long intoId, long fromId, Instant now) {
        if (intoId == fromId) {
            throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "cannot merge a user into itself");
        }
        var s = seats;
        if (s == null) {
            throw new IllegalStateException("merging people needs the seat store (seatsFollow)");
        }
        // The seats and sessions move first, decided by the seat decision (never two seats of a pool);
        // the rest of the duplicate moves in the same transaction.
        MergeResult merged = s.mergePeople(intoId, fromId, now, (moved, h) -> {
            load(h, intoId).orElseThrow(() -> notFound("user", intoId));
            load(h, fromId).orElseThrow(() -> notFound("user", fromId));
            int aliases = h.createUpdate("UPDATE user_aliases SET user_id = :into WHERE user_id = :from")
                    .bind("into", intoId).bind("from", fromId).execute();
            int roles = h.createUpdate("""
                            INSERT INTO role_members (role_id, user_id, origin)
                            SELECT role_id, :into, origin FROM role_members WHERE user_id = :from
                            ON CONFLICT (role_id, user_id) DO NOTHING""")
                    .bind("into", intoId).bind("from", fromId).execute();
            h.createUpdate("DELETE FROM role_members WHERE user_id = :from").bind("from", fromId).execute();
            h.createUpdate("UPDATE auth_tokens SET user_id = :into WHERE user_id = :from")
                    .bind("into", intoId).bind("from", fromId).execute();
            h.createUpdate("DELETE FROM users WHERE id = :from").bind("from", fromId).execute();
            return new MergeResult(load(h, intoId).orElseThrow(), aliases, roles, moved.sessionsMoved(), moved.seatsMoved(),
                    moved.seatsReleased());
        });
        membersChanged();
        return merged;
    }

    // ---- roles -------------------------------------------------------------------------------

    @Override
    public List<Role> roles() {
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

    @Override
    public Optional<Role> role(long id) {
        return roles().stream().filter(r -> r.id() == id).findFirst();
    }

    @Override
    public Role createRole(String name, String key, String ldapGroup, Instant now) {
        long id = db.write((h, after) -> {
            requireFreeRoleName(h, key, null);
            return h.createQuery("INSERT INTO roles (name, name_key, ldap_group, created_at) VALUES (:n, :k, :g, :now) RETURNING id")
                    .bind("n", name).bind("k", key).bind("g", ldapGroup).bind("now", now.toEpochMilli())
                    .mapTo(Long.class).one();
        });
        return role(id).orElseThrow();
    }

    @Override
    public Role updateRole(long id, String name, String key, String ldapGroup) {
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

    @Override
    public void deleteRole(long id) {
        db.write((h, after) -> {
            if (builtIn(h, id) != null) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "built-in roles cannot be deleted");
            }
            h.createUpdate("DELETE FROM role_members WHERE role_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM roles WHERE id = :id").bind("id", id).execute();
            return null;
        });
        membersChanged();
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

    @Override
    public void addMember(long roleId, long userId, String origin) {
        db.write((h, after) -> {
            if (Role.ALL_USERS.equals(builtIn(h, roleId))) {
                throw new IdentityException(IdentityException.Kind.NOT_ALLOWED, "everyone is in All Users already");
            }
            load(h, userId).orElseThrow(() -> notFound("user", userId));
            h.createUpdate("INSERT INTO role_members (role_id, user_id, origin) VALUES (:r, :u, :o) ON CONFLICT (role_id, user_id) DO NOTHING")
                    .bind("r", roleId).bind("u", userId).bind("o", origin).execute();
            return null;
        });
        membersChanged();
    }

    @Override
    public void removeMember(long roleId, long userId) {
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
        membersChanged();
    }

    @Override
    public void setDirectoryMembers(long roleId, Set<Long> userIds) {
        db.write((h, after) -> {
            h.createUpdate("DELETE FROM role_members WHERE role_id = :r AND origin = 'ldap'").bind("r", roleId).execute();
            for (long u : userIds) {
                h.createUpdate("INSERT INTO role_members (role_id, user_id, origin) VALUES (:r, :u, 'ldap') ON CONFLICT (role_id, user_id) DO NOTHING")
                        .bind("r", roleId).bind("u", u).execute();
            }
            return null;
        });
        membersChanged();
    }

    @Override
    public List<User> members(long roleId) {
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

    @Override
    public boolean isAdministrator(long userId) {
        return db.read(h -> h.createQuery("""
                        SELECT COUNT(*) FROM role_members m JOIN roles r ON r.id = m.role_id
                        WHERE m.user_id = :u AND r.built_in = 'administrators'""")
                .bind("u", userId).mapTo(Integer.class).one() > 0);
    }

    // ---- tokens ------------------------------------------------------------------------------

    @Override
    public void saveToken(Token t, String hash) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO auth_tokens (id, token_hash, user_id, kind, name, created_at, expires_at, last_used_at)
                        VALUES (:id, :hash, :u, :kind, :name, :created, :expires, :created)""")
                .bind("id", t.id()).bind("hash", hash).bind("u", t.userId()).bind("kind", t.kind()).bind("name", t.name())
                .bind("created", t.createdAt().toEpochMilli())
                .bind("expires", t.expiresAt() == null ? null : t.expiresAt().toEpochMilli())
                .execute());
    }

    @Override
    public Optional<Token> findToken(String hash) {
        return db.read(h -> h.createQuery("""
                        SELECT id, user_id, kind, name, created_at, expires_at, last_used_at FROM auth_tokens WHERE token_hash = :h""")
                .bind("h", hash).map((rs, ctx) -> token(rs)).findOne());
    }

    private static Token token(ResultSet rs) throws SQLException {
        long exp = rs.getLong(6);
        Instant expires = rs.wasNull() ? null : Instant.ofEpochMilli(exp);
        return new Token(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                Instant.ofEpochMilli(rs.getLong(5)), expires, Instant.ofEpochMilli(rs.getLong(7)));
    }

    @Override
    public void touchToken(String id, Instant at, Instant newExpiry) {
        db.write((h, after) -> h.createUpdate("UPDATE auth_tokens SET last_used_at = :at WHERE id = :id")
                .bind("at", at.toEpochMilli()).bind("id", id).execute());
    }

    @Override
    public List<Token> tokens(long userId) {
        return db.read(h -> h.createQuery("""
                        SELECT id, user_id, kind, name, created_at, expires_at, last_used_at FROM auth_tokens
                        WHERE user_id = :u ORDER BY created_at""")
                .bind("u", userId).map((rs, ctx) -> token(rs)).list());
    }

    @Override
    public boolean deleteToken(String id) {
        return db.write((h, after) -> h.createUpdate("DELETE FROM auth_tokens WHERE id = :id").bind("id", id).execute() > 0);
    }

    // ---- misc --------------------------------------------------------------------------------

    @Override
    public Set<String> knownHosts() {
        return db.read(h -> new HashSet<>(h.createQuery("SELECT host_key FROM sessions UNION SELECT host_key FROM seats")
                .mapTo(String.class).list()));
    }

    @Override
    public List<String[]> adminEvents(int limit) {
        return db.read(h -> h.createQuery("SELECT type, actor, source, target, detail FROM admin_events ORDER BY id DESC LIMIT :n")
                .bind("n", limit)
                .map((rs, ctx) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)})
                .list());
    }

    @Override
    public void recordAdminEvent(Instant at, String type, String actor, String source, String target, String detail) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO admin_events (at, type, actor, source, target, detail) VALUES (:at, :type, :actor, :source, :target, :detail)""")
                .bind("at", at.toEpochMilli()).bind("type", type).bind("actor", actor).bind("source", source)
                .bind("target", target).bind("detail", detail).execute());
    }

    private static Optional<User> load(Handle h, long id) {
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

    private static IdentityException notFound(String what, long id) {
        return new IdentityException(IdentityException.Kind.NOT_FOUND, "no " + what + " with id " + id);
    }

    /** Used by tests and the doctor: seats per user and pool. */
    public Map<PoolKey, Map<String, Integer>> seatsPerUser() {
        return db.read(h -> {
            Map<PoolKey, Map<String, Integer>> out = new LinkedHashMap<>();
            h.createQuery("SELECT s.product, s.feature, u.name, COUNT(*) FROM seats s JOIN users u ON u.id = s.user_id GROUP BY s.product, s.feature, u.name")
                    .map((rs, ctx) -> out.computeIfAbsent(new PoolKey(rs.getString(1), rs.getString(2)), k -> new LinkedHashMap<>())
                            .put(rs.getString(3), rs.getInt(4)))
                    .list();
            return out;
        });
    }
}
