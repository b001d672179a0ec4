-- Challenges: a time-boxed call for members' content, its submissions with their review (a submission is
-- reviewed once: pending -> approved or rejected, never back), and the winners named once (the primary
-- key). Points for an approval and a winner's bonus go through the ledger with their own source, so
-- neither can be credited twice.

CREATE TABLE challenges (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    points INTEGER NOT NULL DEFAULT 0,
    per_member INTEGER NOT NULL DEFAULT 1,
    review TEXT NOT NULL CHECK (review IN ('auto', 'manual')),
    blind INTEGER NOT NULL DEFAULT 0,
    bonus INTEGER NOT NULL DEFAULT 0,
    winners INTEGER NOT NULL DEFAULT 1,
    channel TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'done')),
    ended_at TEXT,
    created_by INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL
);
CREATE INDEX challenges_by_end ON challenges (community_id, ends_at);

CREATE TABLE challenge_submissions (
    id INTEGER PRIMARY KEY,
    challenge_id INTEGER NOT NULL REFERENCES challenges (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    text TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    reviewed_by INTEGER REFERENCES members (id),
    reviewed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX challenge_submissions_by_member ON challenge_submissions (member_id, challenge_id);
CREATE INDEX challenge_submissions_pending ON challenge_submissions (id) WHERE state = 'pending';

-- What a submission attached: keys of the bot's own media store (files under the data folder, named by
-- their SHA-256), kept because platform links expire.
CREATE TABLE challenge_media (
    submission_id INTEGER NOT NULL REFERENCES challenge_submissions (id),
    position INTEGER NOT NULL,
    media_key TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (submission_id, position)
) WITHOUT ROWID;

CREATE TABLE challenge_winners (
    challenge_id INTEGER NOT NULL REFERENCES challenges (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    place INTEGER NOT NULL,
    PRIMARY KEY (challenge_id, member_id)
) WITHOUT ROWID;

CREATE TRIGGER challenge_submissions_open BEFORE INSERT ON challenge_submissions
WHEN (SELECT state FROM challenges WHERE id = NEW.challenge_id) IS NOT 'open'
BEGIN
    SELECT RAISE (ABORT, 'challenge takes no submissions');
END;
