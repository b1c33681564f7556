-- PostgreSQL port of sqlite/V4__borrowing.sql (the same portable SQL).
-- Borrowing (roaming): a seat on loan outlives its sessions until borrowed_until.

ALTER TABLE seats ADD COLUMN borrowed_until BIGINT;
CREATE INDEX seats_borrowed ON seats (product, feature, borrowed_until) WHERE borrowed_until IS NOT NULL;

-- Per-pool borrowing policy (integers for booleans: the same on SQLite and PostgreSQL).
ALTER TABLE pool_settings ADD COLUMN borrow_allowed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE pool_settings ADD COLUMN borrow_max_days INTEGER NOT NULL DEFAULT 7;
ALTER TABLE pool_settings ADD COLUMN borrow_floor INTEGER NOT NULL DEFAULT 0;
