-- PostgreSQL only, no SQLite counterpart (one node reads its trusted-keys directory directly).
-- The nodes of a cluster share their vendor keys through trusted_keys. A key removed (through the API, or by
-- deleting its file on the node that shared it) must stay removed: a row with removed_at is a tombstone, so that
-- a node still holding an older copy of the file deletes it instead of sharing it again. changed_at tells a key
-- file rewritten on a node (a vendor's new key file naming its products) from an older copy elsewhere.
-- Both are wall-clock milliseconds, compared with the key files' modification times.
ALTER TABLE trusted_keys ADD COLUMN removed_at BIGINT;
ALTER TABLE trusted_keys ADD COLUMN changed_at BIGINT;
UPDATE trusted_keys SET changed_at = added_at;
ALTER TABLE trusted_keys ALTER COLUMN changed_at SET NOT NULL;
