package dev.usher.store;

import dev.usher.core.identity.IdentityException;
import dev.usher.core.identity.User;
import org.jdbi.v3.core.Handle;

import java.time.Instant;
import java.util.Optional;

import static dev.usher.store.UserRows.load;
import static dev.usher.store.UserRows.notFound;

/** The names a user is known by: a user's own name is its first alias, and every alias means one user only. */
final class AliasRows {

    private final Database db;

    AliasRows(Database db) {
        this.db = db;
    }

    Optional<User> resolve(String key) {
        return db.read(h -> h.createQuery("SELECT user_id FROM user_aliases WHERE alias_key = :k").bind("k", key)
                .mapTo(Long.class).findOne().flatMap(id -> load(h, id)));
    }

    User addAlias(long id, String alias, String key, Instant now) {
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

    User removeAlias(long id, String key) {
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

    static void requireFreeAlias(Handle h, String key, Long exceptUser) {
        h.createQuery("""
                        SELECT u.name FROM user_aliases a JOIN users u ON u.id = a.user_id WHERE a.alias_key = :k""")
                .bind("k", key).mapTo(String.class).findOne()
                .ifPresent(owner -> {
                    throw new IdentityException(IdentityException.Kind.NAME_TAKEN,
                            "'" + key + "' already means user '" + owner + "'; merge the two users instead");
                });
    }

    static void insertAlias(Handle h, long userId, String alias, String key, Instant now) {
        h.createUpdate("INSERT INTO user_aliases (alias_key, user_id, alias, created_at) VALUES (:k, :u, :a, :now)")
                .bind("k", key).bind("u", userId).bind("a", alias).bind("now", now.toEpochMilli()).execute();
    }
}
