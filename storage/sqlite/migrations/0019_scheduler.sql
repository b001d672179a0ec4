-- Scheduled work that is right about time.
-- jobs: each job kind has a catch-up rule (handlers/timers.py): a job that fell due while the bot was down
-- is run late (and marked `late`), or not run and kept as `missed` (a reminder after the session began),
-- so SCHEDULE and the tests can tell what happened. SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE jobs_new (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    run_at TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    key TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'done', 'failed', 'cancelled', 'missed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    finished_at TEXT,
    late INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    UNIQUE (community_id, key)
);
INSERT INTO jobs_new (id, community_id, kind, run_at, payload, key, state, attempts, last_error, finished_at)
    SELECT id, community_id, kind, run_at, payload, key, state, attempts, last_error, finished_at FROM jobs;
DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;
CREATE INDEX jobs_due ON jobs (community_id, state, run_at, id);

-- One process runs scheduled work against a database: it holds this lease and renews it; another
-- process waits until the lease is released or has expired (its holder stopped renewing: it died).
CREATE TABLE scheduler_lease (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    acquired_at TEXT NOT NULL
);

-- The member's own time zone (an IANA name, `TIMEZONE Europe/Rome`), guessed from a WhatsApp number's
-- country code where that names one zone; NULL: the community's. On the member row: every platform.
ALTER TABLE members ADD COLUMN timezone TEXT;

-- Recurring challenges are now series planned by the core (handlers/timers.py), with their cron and zone in
-- the payload; the start-up plans each configured one again in that form.
UPDATE jobs SET state = 'cancelled' WHERE kind = 'challenge_recurring' AND state = 'pending';
