-- The session each seat was granted to: under the session policy that session finds its seat again, also a seat
-- granted under user or user+host before the pool was switched to session keys (HeldSeat.grantSession).
-- A seat stored before this has it only when its key names its session ("s:ID"); the others keep NULL.
-- V10 on both engines (PostgreSQL's V9 has no SQLite counterpart).
ALTER TABLE seats ADD COLUMN grant_session TEXT;
UPDATE seats SET grant_session = substr(seat_key, 3) WHERE seat_key LIKE 's:%';
