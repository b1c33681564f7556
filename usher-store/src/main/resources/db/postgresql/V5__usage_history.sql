-- PostgreSQL port of sqlite/V5__usage_history.sql (the same portable SQL).
-- Usage history: per pool per minute, rolled up to hours and days; per person per day.
-- Portable SQL (SQLite and PostgreSQL): BIGINT epoch milliseconds, upserts, no engine-only types.

-- The pool's seats in use right after the change an event records (NULL on rows written before V5).
-- The usage recorder rebuilds the in-use timeline from these values, so every change of
-- pool_counters is followed, in its transaction, by an event that carries the new count.
ALTER TABLE seat_events ADD COLUMN in_use INTEGER;

-- Where background recorders are (the last event id they consumed, the time they covered).
CREATE TABLE report_cursors (
    name     TEXT PRIMARY KEY,
    position BIGINT NOT NULL
);

-- The usage recorder's view of each pool at the time it has covered (survives restarts).
CREATE TABLE usage_pool_state (
    product TEXT NOT NULL,
    feature TEXT NOT NULL,
    in_use  INTEGER NOT NULL,
    PRIMARY KEY (product, feature)
);

-- Seats open at the time the usage recorder has covered: who holds them, for per-person hours.
CREATE TABLE usage_open_seats (
    seat_id   TEXT PRIMARY KEY,
    product   TEXT NOT NULL,
    feature   TEXT NOT NULL,
    user_name TEXT NOT NULL
);

-- One row per pool per period; step is 'minute', 'hour' or 'day', start the period's first
-- millisecond (UTC). seat_ms is in-use integrated over time (average = seat_ms / period length);
-- demand_peak is the largest (in use + distinct people refused for want of a seat) of any minute.
CREATE TABLE usage_history (
    step                TEXT NOT NULL,
    product             TEXT NOT NULL,
    feature             TEXT NOT NULL,
    start               BIGINT NOT NULL,
    peak                INTEGER NOT NULL,
    seat_ms             BIGINT NOT NULL,
    capacity            INTEGER NOT NULL,
    grants              INTEGER NOT NULL,
    denied_no_seats     INTEGER NOT NULL,
    denied_not_entitled INTEGER NOT NULL,
    denied_not_licensed INTEGER NOT NULL,
    distinct_users      INTEGER NOT NULL,
    refused_users       INTEGER NOT NULL,
    demand_peak         INTEGER NOT NULL,
    PRIMARY KEY (step, product, feature, start)
);
CREATE INDEX usage_history_by_time ON usage_history (step, start);

-- Per person, per pool, per UTC day: checkouts started (sessions), hosts seen, time holding a seat,
-- and in which hours of the day a seat was held (bit h = hour h), which gives hourly distinct users.
CREATE TABLE usage_user_day (
    day        BIGINT NOT NULL,
    product    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    user_name  TEXT NOT NULL,
    sessions   INTEGER NOT NULL,
    hosts      TEXT NOT NULL,
    seat_ms    BIGINT NOT NULL,
    hours_mask INTEGER NOT NULL,
    PRIMARY KEY (product, feature, day, user_name)
);
CREATE INDEX usage_user_day_by_day ON usage_user_day (day);
