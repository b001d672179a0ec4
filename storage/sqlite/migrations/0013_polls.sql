-- Polls: one poll across every platform. A ballot is one row per member per poll (the primary key is the
-- "one vote per member" rule, so no code path can count a member twice); its picks are rows of their own so
-- that a tally is one covering-index scan (poll_picks_tally). Triggers refuse, in the database itself, more
-- picks than the poll allows and any vote on a poll that is not open. Linked identities are one member, so
-- they share one ballot. The counts (polls.voters, poll_options.votes) are kept by triggers on every insert
-- and delete, cascades and member merges included: a tally is one row read, not a scan of the ballots,
-- however many there are.

CREATE TABLE polls (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    question TEXT NOT NULL,
    max_picks INTEGER NOT NULL CHECK (max_picks >= 1),
    multiple INTEGER NOT NULL,
    anonymous INTEGER NOT NULL,
    hidden INTEGER NOT NULL,
    channel TEXT NOT NULL,
    min_level INTEGER,
    segment TEXT,
    points INTEGER NOT NULL DEFAULT 0,
    announce INTEGER NOT NULL DEFAULT 0,
    voters INTEGER NOT NULL DEFAULT 0,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'cancelled')),
    late INTEGER NOT NULL DEFAULT 0,
    closed_at TEXT,
    created_by INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL
);
CREATE INDEX polls_open ON polls (community_id, deadline) WHERE state = 'open';

CREATE TABLE poll_options (
    poll_id INTEGER NOT NULL REFERENCES polls (id),
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    votes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, position)
) WITHOUT ROWID;

CREATE TABLE poll_ballots (
    poll_id INTEGER NOT NULL REFERENCES polls (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    voted_at TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (poll_id, member_id)
) WITHOUT ROWID;
CREATE INDEX poll_ballots_by_member ON poll_ballots (member_id);

CREATE TABLE poll_picks (
    poll_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (poll_id, member_id, position),
    FOREIGN KEY (poll_id, member_id) REFERENCES poll_ballots (poll_id, member_id)
        ON DELETE CASCADE ON UPDATE CASCADE,
    FOREIGN KEY (poll_id, position) REFERENCES poll_options (poll_id, position)
) WITHOUT ROWID;
CREATE INDEX poll_picks_tally ON poll_picks (poll_id, position);

CREATE TRIGGER poll_ballots_open BEFORE INSERT ON poll_ballots
WHEN (SELECT state FROM polls WHERE id = NEW.poll_id) IS NOT 'open'
BEGIN
    SELECT RAISE (ABORT, 'poll is not open');
END;

CREATE TRIGGER poll_picks_open BEFORE INSERT ON poll_picks
WHEN (SELECT state FROM polls WHERE id = NEW.poll_id) IS NOT 'open'
BEGIN
    SELECT RAISE (ABORT, 'poll is not open');
END;

CREATE TRIGGER poll_picks_at_most BEFORE INSERT ON poll_picks
WHEN (SELECT count(*) FROM poll_picks WHERE poll_id = NEW.poll_id AND member_id = NEW.member_id)
    >= (SELECT max_picks FROM polls WHERE id = NEW.poll_id)
BEGIN
    SELECT RAISE (ABORT, 'more picks than the poll allows');
END;

CREATE TRIGGER poll_picks_counted AFTER INSERT ON poll_picks
BEGIN
    UPDATE poll_options SET votes = votes + 1 WHERE poll_id = NEW.poll_id AND position = NEW.position;
END;

CREATE TRIGGER poll_picks_uncounted AFTER DELETE ON poll_picks
BEGIN
    UPDATE poll_options SET votes = votes - 1 WHERE poll_id = OLD.poll_id AND position = OLD.position;
END;

CREATE TRIGGER poll_ballots_counted AFTER INSERT ON poll_ballots
BEGIN
    UPDATE polls SET voters = voters + 1 WHERE id = NEW.poll_id;
END;

CREATE TRIGGER poll_ballots_uncounted AFTER DELETE ON poll_ballots
BEGIN
    UPDATE polls SET voters = voters - 1 WHERE id = OLD.poll_id;
END;
