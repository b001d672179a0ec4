-- The newsletter and the editorial calendar.
-- newsletter_issues: every weekly run leaves a row, sent (numbered 1, 2, 3...) or skipped (too quiet a week,
-- no number), so the next issue starts where the last week ended and a skipped week is visible. An issue is
-- kept in every language as it was compiled (the archive shows what went out, not what a later change would
-- compile); its summary is the line a WhatsApp template carries outside the 24-hour window.
-- newsletter_picks: moderators' additions (approved at once) and members' guest posts (pending until a
-- moderator approves or rejects them); a pick is published in exactly one issue.
-- announcements: scheduled posts, once (at) or recurring (cron, in the community's zone); next_at is the
-- time of its pending job, so cancelling one removes exactly that job.
CREATE TABLE newsletter_issues (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    number INTEGER,
    state TEXT NOT NULL CHECK (state IN ('sent', 'skipped')),
    since TEXT NOT NULL,
    until TEXT NOT NULL,
    texts TEXT NOT NULL CHECK (json_valid(texts)),
    summaries TEXT NOT NULL CHECK (json_valid(summaries)),
    items INTEGER NOT NULL CHECK (items >= 0),
    created_at TEXT NOT NULL,
    CHECK (until >= since),
    CHECK ((state = 'sent') = (number IS NOT NULL)),
    UNIQUE (community_id, number)
);
CREATE INDEX newsletter_issues_latest ON newsletter_issues (community_id, until);

CREATE TABLE newsletter_picks (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL CHECK (kind IN ('added', 'guest')),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    member_id INTEGER REFERENCES members (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'published')),
    issue_id INTEGER REFERENCES newsletter_issues (id),
    reviewed_by INTEGER REFERENCES members (id),
    reviewed_at TEXT,
    created_at TEXT NOT NULL,
    CHECK ((state = 'published') = (issue_id IS NOT NULL)),
    CHECK (kind = 'guest' OR state IN ('approved', 'published'))
);
CREATE INDEX newsletter_picks_by_state ON newsletter_picks (community_id, state, id);

CREATE TABLE announcements (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    at TEXT NOT NULL,
    cron TEXT,
    whatsapp INTEGER NOT NULL CHECK (whatsapp IN (0, 1)),
    channel TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'scheduled' CHECK (state IN ('scheduled', 'done', 'cancelled')),
    next_at TEXT,
    times INTEGER NOT NULL DEFAULT 0 CHECK (times >= 0),
    created_by INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL,
    CHECK ((state = 'scheduled') = (next_at IS NOT NULL))
);
CREATE INDEX announcements_scheduled ON announcements (community_id, next_at) WHERE state = 'scheduled';
