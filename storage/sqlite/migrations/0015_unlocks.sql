-- Group unlocks: an offer, its goal and deadline, one pledge per member (the primary key), and the pool of
-- codes handed to pledgers once it unlocks (one code per pledger: a unique index). The pledge count is kept
-- by triggers, so reaching the goal is read in the pledge's own transaction without counting.

CREATE TABLE unlocks (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    title TEXT NOT NULL,
    goal INTEGER NOT NULL CHECK (goal >= 1),
    reward TEXT NOT NULL,
    codes INTEGER NOT NULL DEFAULT 0,
    channel TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'unlocked', 'expired', 'cancelled')),
    pledges INTEGER NOT NULL DEFAULT 0,
    unlocked_at TEXT,
    ended_at TEXT,
    created_by INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL
);
CREATE INDEX unlocks_current ON unlocks (community_id, deadline) WHERE state IN ('open', 'unlocked');

CREATE TABLE unlock_pledges (
    unlock_id INTEGER NOT NULL REFERENCES unlocks (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    pledged_at TEXT NOT NULL,
    PRIMARY KEY (unlock_id, member_id)
) WITHOUT ROWID;
CREATE INDEX unlock_pledges_by_member ON unlock_pledges (member_id);

CREATE TABLE unlock_codes (
    id INTEGER PRIMARY KEY,
    unlock_id INTEGER NOT NULL REFERENCES unlocks (id),
    code TEXT NOT NULL,
    member_id INTEGER REFERENCES members (id),
    given_at TEXT,
    UNIQUE (unlock_id, code)
);
CREATE UNIQUE INDEX unlock_codes_one_each ON unlock_codes (unlock_id, member_id) WHERE member_id IS NOT NULL;
CREATE INDEX unlock_codes_free ON unlock_codes (unlock_id, id) WHERE member_id IS NULL;

CREATE TRIGGER unlock_pledges_open BEFORE INSERT ON unlock_pledges
WHEN (SELECT state FROM unlocks WHERE id = NEW.unlock_id) NOT IN ('open', 'unlocked')
BEGIN
    SELECT RAISE (ABORT, 'unlock takes no pledges');
END;

CREATE TRIGGER unlock_pledges_counted AFTER INSERT ON unlock_pledges
BEGIN
    UPDATE unlocks SET pledges = pledges + 1 WHERE id = NEW.unlock_id;
END;

CREATE TRIGGER unlock_pledges_uncounted AFTER DELETE ON unlock_pledges
BEGIN
    UPDATE unlocks SET pledges = pledges - 1 WHERE id = OLD.unlock_id;
END;
