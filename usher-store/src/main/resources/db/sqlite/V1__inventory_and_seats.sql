-- Times are epoch milliseconds (BIGINT), the same on SQLite and PostgreSQL.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE licenses (
    id       TEXT PRIMARY KEY,          -- the payload's UUID
    text     TEXT NOT NULL,             -- canonical file text: the signature is re-checked on every load
    added_at BIGINT NOT NULL
);

CREATE TABLE pool_settings (
    product         TEXT NOT NULL,
    feature         TEXT NOT NULL,
    seat_key_policy TEXT NOT NULL,
    linger_seconds  INTEGER NOT NULL,
    PRIMARY KEY (product, feature)
);

CREATE TABLE users (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,          -- canonical spelling: the first one seen
    name_key     TEXT NOT NULL UNIQUE,   -- normalized: one person, one key
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    id                TEXT PRIMARY KEY,  -- chosen by the client: a retry can never make a second session
    user_id           INTEGER NOT NULL REFERENCES users (id),
    host              TEXT NOT NULL,
    host_key          TEXT NOT NULL,
    client            TEXT,
    created_at        BIGINT NOT NULL,
    last_heartbeat_at BIGINT NOT NULL,
    lease_expires_at  BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Seats held right now. The unique seat key is invariant 2 enforced by the database itself.
CREATE TABLE seats (
    id           TEXT PRIMARY KEY,
    product      TEXT NOT NULL,
    feature      TEXT NOT NULL,
    seat_key     TEXT NOT NULL,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    host_key     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    linger_until BIGINT,                 -- set while the seat outlives its last session
    UNIQUE (product, feature, seat_key)
);
CREATE INDEX seats_by_user ON seats (product, feature, user_id);
CREATE INDEX seats_by_user_only ON seats (user_id);
CREATE INDEX seats_lingering ON seats (linger_until) WHERE linger_until IS NOT NULL;

-- Seats in use per pool, kept in the same transactions that add and remove seats: the checkout
-- reads one row instead of counting, and on PostgreSQL this row is what concurrent grants serialize on.
CREATE TABLE pool_counters (
    product TEXT NOT NULL,
    feature TEXT NOT NULL,
    in_use  INTEGER NOT NULL CHECK (in_use >= 0),
    PRIMARY KEY (product, feature)
);

CREATE TABLE checkouts (
    session_id TEXT NOT NULL REFERENCES sessions (id),
    product    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    seat_id    TEXT NOT NULL REFERENCES seats (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, product, feature)
);
CREATE INDEX checkouts_by_seat ON checkouts (seat_id);

-- Every grant, join, denial, release and expiry, written in the transaction that made it happen.
CREATE TABLE seat_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT NOT NULL,
    type       TEXT NOT NULL,
    product    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    user_name  TEXT,
    host       TEXT,
    session_id TEXT,
    seat_id    TEXT,
    reason     TEXT,
    detail     TEXT
);
CREATE INDEX seat_events_by_time ON seat_events (at);
