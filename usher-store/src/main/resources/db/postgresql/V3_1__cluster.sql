-- PostgreSQL only, no SQLite counterpart: what several Usher nodes sharing one database need.
-- Numbered 3.1 so that the ports of the SQLite migrations V4, V5, ... keep their numbers.

-- Nodes register here and heartbeat every second (GET /api/v1/cluster shows them).
CREATE TABLE nodes (
    id           TEXT PRIMARY KEY,       -- random per start
    host         TEXT NOT NULL,
    url          TEXT,
    version      TEXT NOT NULL,
    started_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    sweeps       INTEGER NOT NULL DEFAULT 0  -- 1 while this node holds the sweeper lock
);

-- Bumped (by the triggers below, in the same transaction) on every change that nodes cache:
-- licenses, trusted keys, settings, pool settings and rules, people, roles, aliases and tokens.
-- Every node polls it twice a second and reloads its caches when it moved. Row triggers, not
-- statement triggers: an INSERT ... ON CONFLICT DO NOTHING that changes nothing must not bump it
-- (nodes re-share their key files on every reload, which would otherwise never settle).
CREATE TABLE config_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE FUNCTION usher_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE config_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

-- Vendor public keys trusted by the whole cluster (a key file on any node's disk is copied here).
CREATE TABLE trusted_keys (
    key_id     TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,          -- PEM
    added_at   BIGINT NOT NULL
);

CREATE TRIGGER licenses_changed AFTER INSERT OR UPDATE OR DELETE ON licenses FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER trusted_keys_changed AFTER INSERT OR UPDATE OR DELETE ON trusted_keys FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER settings_changed AFTER INSERT OR UPDATE OR DELETE ON settings FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER pool_settings_changed AFTER INSERT OR UPDATE OR DELETE ON pool_settings FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER pool_rules_changed AFTER INSERT OR UPDATE OR DELETE ON pool_rules FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER roles_changed AFTER INSERT OR UPDATE OR DELETE ON roles FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER role_members_changed AFTER INSERT OR UPDATE OR DELETE ON role_members FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER user_aliases_changed AFTER INSERT OR UPDATE OR DELETE ON user_aliases FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
-- Not on users.last_seen_at or auth_tokens.last_used_at: every checkout and API call writes those.
CREATE TRIGGER users_added_or_removed AFTER INSERT OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER users_changed AFTER UPDATE OF name, name_key, enabled, password_hash, source, display_name, email ON users
    FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER tokens_added_or_removed AFTER INSERT OR DELETE ON auth_tokens FOR EACH ROW EXECUTE FUNCTION usher_config_changed();
CREATE TRIGGER tokens_changed AFTER UPDATE OF user_id, expires_at, token_hash ON auth_tokens
    FOR EACH ROW EXECUTE FUNCTION usher_config_changed();

-- The sweeper finds lapsed leases in the database (any node may have taken the heartbeats).
CREATE INDEX sessions_by_lease ON sessions (lease_expires_at);
