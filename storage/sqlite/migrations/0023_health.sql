-- Community health (issue 17). Activity is counted per member and local day (member_days): the chat path
-- adds to counters in memory and writes them in batches, so a message costs no write of its own. A member's
-- last active day and first message (member_activity) make recency, segments and the newcomers' time to a
-- first message one indexed read each. The daily roll-up writes one kpi_days row per closed day with every
-- figure STATS and the dashboard show (flows of the day, gauges at its end, rolling 7- and 30-day active
-- counts), so nothing scans the ledger on a request. member_segments holds each member's engagement
-- segment and since when (roles and win-back nudges follow its changes); winbacks the nudges sent.
CREATE TABLE member_days (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    day TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    messages INTEGER NOT NULL DEFAULT 0,
    actions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day, member_id)
) WITHOUT ROWID;
CREATE INDEX member_days_by_member ON member_days (community_id, member_id, day);

CREATE TABLE member_activity (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    first_message_at TEXT,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
CREATE INDEX member_activity_by_first_message ON member_activity (community_id, first_message_at)
    WHERE first_message_at IS NOT NULL;

CREATE TABLE kpi_days (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    day TEXT NOT NULL,
    members INTEGER NOT NULL DEFAULT 0,
    active_7d INTEGER NOT NULL DEFAULT 0,
    active_30d INTEGER NOT NULL DEFAULT 0,
    inactive INTEGER NOT NULL DEFAULT 0,
    cohort_size INTEGER NOT NULL DEFAULT 0,
    cohort_retained INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 0,
    champion INTEGER NOT NULL DEFAULT 0,
    at_risk INTEGER NOT NULL DEFAULT 0,
    dormant INTEGER NOT NULL DEFAULT 0,
    joined INTEGER NOT NULL DEFAULT 0,
    left INTEGER NOT NULL DEFAULT 0,
    introductions INTEGER NOT NULL DEFAULT 0,
    referrals INTEGER NOT NULL DEFAULT 0,
    referrals_active INTEGER NOT NULL DEFAULT 0,
    messages INTEGER NOT NULL DEFAULT 0,
    active_day INTEGER NOT NULL DEFAULT 0,
    kudos INTEGER NOT NULL DEFAULT 0,
    votes INTEGER NOT NULL DEFAULT 0,
    polls_closed INTEGER NOT NULL DEFAULT 0,
    poll_voters INTEGER NOT NULL DEFAULT 0,
    poll_eligible INTEGER NOT NULL DEFAULT 0,
    submissions INTEGER NOT NULL DEFAULT 0,
    sessions_held INTEGER NOT NULL DEFAULT 0,
    session_going INTEGER NOT NULL DEFAULT 0,
    session_attended INTEGER NOT NULL DEFAULT 0,
    points_earned INTEGER NOT NULL DEFAULT 0,
    points_redeemed INTEGER NOT NULL DEFAULT 0,
    first_messages INTEGER NOT NULL DEFAULT 0,
    first_message_minutes INTEGER NOT NULL DEFAULT 0,
    nps_promoters INTEGER NOT NULL DEFAULT 0,
    nps_passives INTEGER NOT NULL DEFAULT 0,
    nps_detractors INTEGER NOT NULL DEFAULT 0,
    winback_sent INTEGER NOT NULL DEFAULT 0,
    winback_returned INTEGER NOT NULL DEFAULT 0,
    rolled_up_at TEXT NOT NULL,
    PRIMARY KEY (community_id, day)
) WITHOUT ROWID;

CREATE TABLE member_segments (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    segment TEXT NOT NULL CHECK (segment IN ('new', 'active', 'champion', 'at_risk', 'dormant')),
    since TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
CREATE INDEX member_segments_by_segment ON member_segments (community_id, segment, since);

CREATE TABLE winbacks (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    sent_at TEXT NOT NULL,
    returned_at TEXT,
    PRIMARY KEY (community_id, member_id, sent_at)
) WITHOUT ROWID;

-- The roll-up reads one day of each event kind: by time, not by scanning the tables.
CREATE INDEX members_by_joined ON members (community_id, joined_at);
CREATE INDEX members_by_left ON members (community_id, left_at) WHERE left_at IS NOT NULL;
CREATE INDEX poll_ballots_by_time ON poll_ballots (voted_at);
CREATE INDEX polls_by_closed ON polls (community_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX submissions_by_time ON challenge_submissions (created_at);
CREATE INDEX redemptions_by_time ON redemptions (community_id, created_at);
CREATE INDEX referrals_by_time ON referrals (community_id, created_at);
CREATE INDEX introductions_by_time ON introductions (community_id, created_at);
CREATE INDEX sessions_by_start ON sessions (community_id, start);
