-- PostgreSQL twin of storage/sqlite/migrations/0023_health.sql (its header says why the tables look so).
-- kpi_days.left is a reserved word in PostgreSQL: the column is quoted here, and SQL naming it must quote it.

CREATE TABLE member_days (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    day TEXT NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id),
    messages BIGINT NOT NULL DEFAULT 0,
    actions BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, day, member_id)
);
CREATE INDEX member_days_by_member ON member_days (community_id, member_id, day);

CREATE TABLE member_activity (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    first_day TEXT NOT NULL,
    last_day TEXT NOT NULL,
    first_message_at TEXT,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX member_activity_by_first_message ON member_activity (community_id, first_message_at)
    WHERE first_message_at IS NOT NULL;

CREATE TABLE kpi_days (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    day TEXT NOT NULL,
    members BIGINT NOT NULL DEFAULT 0,
    active_7d BIGINT NOT NULL DEFAULT 0,
    active_30d BIGINT NOT NULL DEFAULT 0,
    inactive BIGINT NOT NULL DEFAULT 0,
    cohort_size BIGINT NOT NULL DEFAULT 0,
    cohort_retained BIGINT NOT NULL DEFAULT 0,
    new BIGINT NOT NULL DEFAULT 0,
    active BIGINT NOT NULL DEFAULT 0,
    champion BIGINT NOT NULL DEFAULT 0,
    at_risk BIGINT NOT NULL DEFAULT 0,
    dormant BIGINT NOT NULL DEFAULT 0,
    joined BIGINT NOT NULL DEFAULT 0,
    "left" BIGINT NOT NULL DEFAULT 0,
    introductions BIGINT NOT NULL DEFAULT 0,
    referrals BIGINT NOT NULL DEFAULT 0,
    referrals_active BIGINT NOT NULL DEFAULT 0,
    messages BIGINT NOT NULL DEFAULT 0,
    active_day BIGINT NOT NULL DEFAULT 0,
    kudos BIGINT NOT NULL DEFAULT 0,
    votes BIGINT NOT NULL DEFAULT 0,
    polls_closed BIGINT NOT NULL DEFAULT 0,
    poll_voters BIGINT NOT NULL DEFAULT 0,
    poll_eligible BIGINT NOT NULL DEFAULT 0,
    submissions BIGINT NOT NULL DEFAULT 0,
    sessions_held BIGINT NOT NULL DEFAULT 0,
    session_going BIGINT NOT NULL DEFAULT 0,
    session_attended BIGINT NOT NULL DEFAULT 0,
    points_earned BIGINT NOT NULL DEFAULT 0,
    points_redeemed BIGINT NOT NULL DEFAULT 0,
    first_messages BIGINT NOT NULL DEFAULT 0,
    first_message_minutes BIGINT NOT NULL DEFAULT 0,
    nps_promoters BIGINT NOT NULL DEFAULT 0,
    nps_passives BIGINT NOT NULL DEFAULT 0,
    nps_detractors BIGINT NOT NULL DEFAULT 0,
    winback_sent BIGINT NOT NULL DEFAULT 0,
    winback_returned BIGINT NOT NULL DEFAULT 0,
    rolled_up_at TEXT NOT NULL,
    PRIMARY KEY (community_id, day)
);

CREATE TABLE member_segments (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    segment TEXT NOT NULL CHECK (segment IN ('new', 'active', 'champion', 'at_risk', 'dormant')),
    since TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX member_segments_by_segment ON member_segments (community_id, segment, since);

CREATE TABLE winbacks (
    community_id BIGINT NOT NULL REFERENCES communities (id),
    member_id BIGINT NOT NULL REFERENCES members (id),
    sent_at TEXT NOT NULL,
    returned_at TEXT,
    PRIMARY KEY (community_id, member_id, sent_at)
);

CREATE INDEX members_by_joined ON members (community_id, joined_at);
CREATE INDEX members_by_left ON members (community_id, left_at) WHERE left_at IS NOT NULL;
CREATE INDEX poll_ballots_by_time ON poll_ballots (voted_at);
CREATE INDEX polls_by_closed ON polls (community_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX submissions_by_time ON challenge_submissions (created_at);
CREATE INDEX redemptions_by_time ON redemptions (community_id, created_at);
CREATE INDEX referrals_by_time ON referrals (community_id, created_at);
CREATE INDEX introductions_by_time ON introductions (community_id, created_at);
CREATE INDEX sessions_by_start ON sessions (community_id, start);
