-- Notifications (e-mail and webhooks) about expiring licenses, busy pools, refusals, doctor findings,
-- a broken audit chain and lost nodes. Portable SQL: the PostgreSQL file is the same but for the id.

-- One row per event ever announced, by the key every node computes for it. A node claims an event by
-- inserting its key (or, for a key that may repeat, by moving its quiet_until forward once it has
-- passed) in the same transaction as the deliveries: several nodes notice the same event, and the
-- key lets exactly one of them send it.
CREATE TABLE notification_events (
    event_key   TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    quiet_until BIGINT NOT NULL,       -- no new message for this key before; the largest BIGINT: never again
    node        TEXT
);

-- The outbox and the delivery log: one row per message and channel (an e-mail to the recipients, a
-- webhook URL). Any node sends a due row after taking it with a conditional update (status
-- 'sending', claimed_until); a failed attempt is tried again at next_attempt_at (exponential back-off),
-- until the schedule gives up ('failed').
CREATE TABLE notification_deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    channel         TEXT NOT NULL,     -- 'email' or 'webhook'
    target          TEXT NOT NULL,     -- the recipients, or the webhook URL
    subject         TEXT NOT NULL,
    payload         TEXT NOT NULL,     -- the alert as JSON (the webhook body; the e-mail is written from it)
    created_at      BIGINT NOT NULL,
    status          TEXT NOT NULL,     -- 'pending', 'sending', 'sent', 'failed'
    attempts        INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    claimed_until   BIGINT,
    last_attempt_at BIGINT,
    last_error      TEXT,
    sent_at         BIGINT
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (status, next_attempt_at);
CREATE INDEX notification_deliveries_by_time ON notification_deliveries (created_at);
