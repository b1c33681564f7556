-- PostgreSQL port of db/sqlite/V7__seat_session_counts.sql.
ALTER TABLE seats ADD COLUMN sessions INTEGER NOT NULL DEFAULT 0;
UPDATE seats SET sessions = (SELECT COUNT(*) FROM checkouts c WHERE c.seat_id = seats.id);
