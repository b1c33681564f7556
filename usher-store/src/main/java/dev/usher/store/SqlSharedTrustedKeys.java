package dev.usher.store;

import dev.usher.core.license.SharedKeyStore;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link SharedKeyStore} on PostgreSQL. The vendor keys the nodes of a cluster share (PostgreSQL only: the {@code trusted_keys} table). A key is
 * shared while its row has no {@code removed_at}; a removed key keeps its row as a tombstone. Times are
 * wall-clock milliseconds, comparable with key files' modification times.
 */
public final class SqlSharedTrustedKeys implements SharedKeyStore {

    private final Database db;

    public SqlSharedTrustedKeys(Database db) {
        this.db = db;
    }

    /** Every row, removed ones too, by key id. */
    @Override
    public Map<String, Row> all() {
        return db.read(h -> {
            Map<String, Row> out = new LinkedHashMap<>();
            h.createQuery("SELECT key_id, public_key, changed_at, removed_at FROM trusted_keys ORDER BY key_id")
                    .map((rs, ctx) -> {
                        long removed = rs.getLong(4);
                        Long removedAt = rs.wasNull() ? null : removed; // wasNull() speaks of the column read last
                        return out.put(rs.getString(1), new Row(rs.getString(1), rs.getString(2), rs.getLong(3), removedAt));
                    }).list();
            return out;
        });
    }

    /** Shares a key file's text: adds the key, revives a removed one, or replaces an older text. */
    @Override
    public void put(String keyId, String text, long now) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO trusted_keys (key_id, public_key, added_at, changed_at, removed_at)
                        VALUES (:id, :text, :now, :now, NULL)
                        ON CONFLICT (key_id) DO UPDATE SET public_key = excluded.public_key, changed_at = excluded.changed_at,
                          removed_at = NULL""")
                .bind("id", keyId).bind("text", text).bind("now", now).execute());
    }

    /** Stops sharing a key; every node drops it at its next reload. */
    @Override
    public void remove(String keyId, long now) {
        db.write((h, after) -> h.createUpdate("UPDATE trusted_keys SET removed_at = :now WHERE key_id = :id AND removed_at IS NULL")
                .bind("id", keyId).bind("now", now).execute());
    }
}
