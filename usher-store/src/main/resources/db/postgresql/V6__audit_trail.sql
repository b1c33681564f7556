-- PostgreSQL port of sqlite/V6__audit_trail.sql (the same portable SQL).
-- The audit trail: admin actions and seat events in one append-only, hash-chained sequence.
-- Rows are appended in batches by the audit recorder from admin_events and seat_events (both
-- written in the transaction of the change they record), so the hot path does no extra work.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,     -- 1, 2, 3, ... without gaps: a missing number is a removed row
    at         BIGINT NOT NULL,
    kind       TEXT NOT NULL,          -- 'admin' or 'seat'
    type       TEXT NOT NULL,
    actor      TEXT,
    source     TEXT,
    target     TEXT,
    product    TEXT,
    feature    TEXT,
    user_name  TEXT,
    host       TEXT,
    session_id TEXT,
    seat_id    TEXT,
    detail     TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL           -- SHA-256 over the canonical fields and prev_hash
);
-- One index besides the key: every insert pays for each index, and queries by actor, user or pool
-- scan the time range they ask for (the API defaults to all time only for exports).
CREATE INDEX audit_log_by_time ON audit_log (at);
