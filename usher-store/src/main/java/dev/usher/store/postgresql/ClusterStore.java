package dev.usher.store.postgresql;

import dev.usher.core.cluster.ClusterRegistry;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What only a shared (PostgreSQL) store has: registered nodes, the configuration version, trusted
 * keys, and the sweeper lock (a session-level advisory lock on a connection of its own).
 */
public final class ClusterStore implements ClusterRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterStore.class);

    private final PostgresDatabase db;
    private volatile Handle sweeperLock;

    public ClusterStore(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public boolean holdOrTakeSweeperLock() {
        Handle h = sweeperLock;
        if (h != null) {
            try {
                h.createQuery("SELECT 1").mapTo(Integer.class).one();
                return true;
            } catch (RuntimeException e) {
                LOG.warn("lost the sweeper lock's connection: {}", e.getMessage());
                dropSweeperLock();
            }
        }
        Handle candidate = db.dedicatedHandle();
        boolean taken;
        try {
            taken = candidate.createQuery("SELECT pg_try_advisory_lock(:c, 0)").bind("c", PostgresDatabase.LOCK_SWEEPER)
                    .mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            candidate.close();
            throw e;
        }
        if (taken) {
            sweeperLock = candidate;
        } else {
            candidate.close();
        }
        return taken;
    }

    @Override
    public void dropSweeperLock() {
        Handle h = sweeperLock;
        sweeperLock = null;
        if (h != null) {
            try {
                h.close();
            } catch (RuntimeException ignored) {
                // closing a dead connection; the lock went with it
            }
        }
    }

    @Override
    public Instant beat(String id, String host, String url, String version, Instant startedAt, Instant now, boolean sweeps) {
        // clock_timestamp(), not now(): the time of this statement, not of the transaction's start.
        long dbMillis = db.write((h, after) -> h.createQuery("""
                        INSERT INTO nodes (id, host, url, version, started_at, last_seen_at, sweeps)
                        VALUES (:id, :host, :url, :v, :started, :now, :sweeps)
                        ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at, sweeps = excluded.sweeps,
                          url = excluded.url
                        RETURNING CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)""")
                .bind("id", id).bind("host", host).bind("url", url).bind("v", version)
                .bind("started", startedAt.toEpochMilli()).bind("now", now.toEpochMilli()).bind("sweeps", sweeps ? 1 : 0)
                .mapTo(Long.class).one());
        return Instant.ofEpochMilli(dbMillis);
    }

    @Override
    public List<Node> nodesSeenSince(Instant since) {
        return db.read(h -> h.createQuery("""
                        SELECT id, host, url, version, started_at, last_seen_at, sweeps FROM nodes
                        WHERE last_seen_at >= :since ORDER BY started_at, id""")
                .bind("since", since.toEpochMilli())
                .map((rs, ctx) -> new Node(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Instant.ofEpochMilli(rs.getLong(5)), Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7) == 1))
                .list());
    }

    @Override
    public void forgetNodesBefore(Instant before) {
        db.write((h, after) -> h.createUpdate("DELETE FROM nodes WHERE last_seen_at < :t").bind("t", before.toEpochMilli()).execute());
    }

    @Override
    public void leave(String id) {
        db.write((h, after) -> h.createUpdate("DELETE FROM nodes WHERE id = :id").bind("id", id).execute());
    }

    @Override
    public long configVersion() {
        return db.read(h -> h.createQuery("SELECT version FROM config_version WHERE id = 1").mapTo(Long.class).one());
    }
}
