-- How many sessions are attached to each seat, kept by the writes that attach and detach them: a
-- decision about a seat shared by hundreds of sessions reads one number instead of counting rows.
ALTER TABLE seats ADD COLUMN sessions INTEGER NOT NULL DEFAULT 0;
UPDATE seats SET sessions = (SELECT COUNT(*) FROM checkouts c WHERE c.seat_id = seats.id);
