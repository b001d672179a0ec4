-- PostgreSQL twin of storage/sqlite/migrations/0019_scheduler.sql (its header says why). Where SQLite
-- rebuilds jobs to change a CHECK, PostgreSQL replaces the named constraint and adds the column in place:
-- the same columns in the same order, the rows and ids kept, jobs_due untouched.
ALTER TABLE jobs DROP CONSTRAINT jobs_state_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_state_check
    CHECK (state IN ('pending', 'done', 'failed', 'cancelled', 'missed'));
ALTER TABLE jobs ADD COLUMN late BIGINT NOT NULL DEFAULT 0 CHECK (late IN (0, 1));

CREATE TABLE scheduler_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    acquired_at TEXT NOT NULL
);

ALTER TABLE members ADD COLUMN timezone TEXT;

UPDATE jobs SET state = 'cancelled' WHERE kind = 'challenge_recurring' AND state = 'pending';
