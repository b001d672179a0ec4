-- NPS surveys in chat (issue 17). A survey is one run of the [nps] cron: its occurrence is unique, so a
-- start replayed after a crash makes no second survey. Whom it asks is chosen once, at its start, into
-- nps_invites with the day of the spread each member is asked on (their id modulo the spread, so a member
-- is asked on the same day of every survey); the day jobs read their share from there and mark each invite
-- asked in the transaction that writes the question to the outbox, so a restart asks nobody twice, and
-- "asked in the last 90 days" is one indexed read. Invites passed over (the member left or sent STOP) are
-- kept apart from the asked, so the response rate counts only who could answer.
-- One answer per member and survey is nps_answers' primary key. The health roll-up reads this table
-- (community_id, survey_id, member_id, score, reason, answered_at; answered_at indexed with the community).
-- reason_at says the reason question was settled (a reason given, or skipped): until then the member's
-- next message is their reason. A detractor's answer has one follow-up for the moderators, numbered for
-- NPS DONE; its foreign key to the answer carries it through member merges (ON UPDATE CASCADE) and away
-- with the answer. Forgetting a member clears their reason and keeps the score, so the NPS stays right.

CREATE TABLE nps_surveys (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    occurrence TEXT NOT NULL,
    started_at TEXT NOT NULL,
    spread_days INTEGER NOT NULL CHECK (spread_days >= 1),
    chosen INTEGER NOT NULL DEFAULT 0,
    UNIQUE (community_id, occurrence)
);

CREATE TABLE nps_invites (
    survey_id INTEGER NOT NULL REFERENCES nps_surveys (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    day INTEGER NOT NULL CHECK (day >= 0),
    state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'asked', 'passed')),
    asked_at TEXT,
    CHECK ((state = 'asked') = (asked_at IS NOT NULL)),
    PRIMARY KEY (survey_id, member_id)
) WITHOUT ROWID;
CREATE INDEX nps_invites_waiting ON nps_invites (survey_id, day, member_id) WHERE state = 'waiting';
CREATE INDEX nps_invites_by_member ON nps_invites (member_id, state, asked_at);

CREATE TABLE nps_answers (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    survey_id INTEGER NOT NULL REFERENCES nps_surveys (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10),
    reason TEXT,
    reason_at TEXT,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (survey_id, member_id)
);
CREATE INDEX nps_answers_by_time ON nps_answers (community_id, answered_at);
CREATE INDEX nps_answers_by_member ON nps_answers (member_id);

CREATE TABLE nps_follow_ups (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    survey_id INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    done_at TEXT,
    done_by INTEGER REFERENCES members (id),
    UNIQUE (survey_id, member_id),
    FOREIGN KEY (survey_id, member_id) REFERENCES nps_answers (survey_id, member_id)
        ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX nps_follow_ups_open ON nps_follow_ups (community_id, id) WHERE done_at IS NULL;
