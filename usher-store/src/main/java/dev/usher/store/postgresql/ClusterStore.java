package dev.usher.store.postgresql;

import dev.usher.store.Database;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The tables only a shared (PostgreSQL) store has: registered nodes, the configuration version, trusted keys. */
public final class ClusterStore {

    /** A node as registered. */
    public record NodeRow(String id, String host, String url, String version, Instant startedAt, Instant lastSeenAt, boolean sweeps) {}

    private final Database db;

    public ClusterStore(Database db) {
        this.db = db;
    }

    /** Registers this node or records that it is alive (and whether it holds the sweeper lock). */
    public void beat(String id, String host, String url, String version, Instant startedAt, Instant now, boolean sweeps) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO nodes (id, host, url, version, started_at, last_seen_at, sweeps)
                        VALUES (:id, :host, :url, :v, :started, :now, :sweeps)
                        ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at, sweeps = excluded.sweeps,
                          url = excluded.url""")
                .bind("id", id).bind("host", host).bind("url", url).bind("v", version)
                .bind("started", startedAt.toEpochMilli()).bind("now", now.toEpochMilli()).bind("sweeps", sweeps ? 1 : 0)
                .execute());
    }

    /** Nodes seen at or after {@code since}, oldest start first. */
    public List<NodeRow> nodesSeenSince(Instant since) {
        return db.read(h -> h.createQuery("""
                        SELECT id, host, url, version, started_at, last_seen_at, sweeps FROM nodes
                        WHERE last_seen_at >= :since ORDER BY started_at, id""")
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new NodeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7) == 1))
                .list());
    }

    /** Forgets nodes not seen since {@code before} (they left or died long ago). */
    public void forgetNodesBefore(Instant before) {
        db.write((h, after) -> h.createUpdate("DELETE FROM nodes WHERE last_seen_at < :t").bind("t", before.toEpochMilli()).execute());
    }

    public void leave(String id) {
        db.write((h, after) -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", id).execute());
    }

    /** Moves whenever anything nodes cache changed (licenses, keys, settings, rules, people, tokens). */
    public long configVersion() {
        return db.read(h -> h.createQuery("SELECT version FROM config_version WHERE id = 1").mapTo(Long.class).one());
    }

    /** Trusted vendor public keys (PEM) by key id. */
    public Map<String, String> trustedKeys() {
        return db.read(h -> {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            h.createQuery("SELECT key_id, public_key FROM trusted_keys ORDER BY key_id")
                    .map((rs, ctx) -> out.put(rs.getString(1), rs.getString(2))).list();
            return out;
        });
    }

    /** Adds a key unless one with this id is there. */
    public void addTrustedKey(String keyId, String pem, Instant now) {
        db.write((h, after) -> h.createUpdate("""
                        INSERT INTO trusted_keys (key_id, public_key, added_at) VALUES (:id, :pem, :now) ON CONFLICT (key_id) DO NOTHING""")
                .bind("id", keyId).bind("pem", pem).bind("now", now.toEpochMilli()).execute());
    }
}
