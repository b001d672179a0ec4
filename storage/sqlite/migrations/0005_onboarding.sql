-- Onboarding: each member's progress (rules accepted, question waiting, introduced), their answers,
-- referral codes and personal platform invites, who referred whom, and introductions by members.

CREATE TABLE onboarding (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    agreed_at TEXT,
    asking TEXT,
    answered_at TEXT,
    introduced_at TEXT,
    PRIMARY KEY (community_id, member_id)
);

CREATE TABLE onboarding_answers (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    question TEXT NOT NULL,
    answer TEXT,
    segment TEXT,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id, question)
);
CREATE INDEX onboarding_segments ON onboarding_answers (community_id, segment);

-- Referral codes (platform 'code') and personal invites (platform 'discord'...): code -> member.
CREATE TABLE referral_codes (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    code TEXT NOT NULL,
    platform TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, code)
);
CREATE UNIQUE INDEX referral_code_per_member ON referral_codes (community_id, member_id, platform);

-- One referrer per newcomer, ever: the primary key is the newcomer.
CREATE TABLE referrals (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    newcomer_id INTEGER NOT NULL REFERENCES members (id),
    referrer_id INTEGER NOT NULL REFERENCES members (id),
    via TEXT NOT NULL CHECK (via IN ('code', 'invite', 'introduction')),
    state TEXT NOT NULL DEFAULT 'waiting'
        CHECK (state IN ('waiting', 'held', 'credited', 'reversed', 'void')),
    ledger_id INTEGER REFERENCES ledger (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, newcomer_id),
    CHECK (newcomer_id <> referrer_id)
);
CREATE INDEX referrals_by_referrer ON referrals (community_id, referrer_id, created_at);

-- `invitee` is the identity introduced, or member:<id> for someone who had joined already.
CREATE TABLE introductions (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    introducer_id INTEGER NOT NULL REFERENCES members (id),
    invitee TEXT NOT NULL,
    why TEXT NOT NULL,
    newcomer_id INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL,
    UNIQUE (community_id, invitee)
);
CREATE INDEX introductions_by_introducer ON introductions (community_id, introducer_id);
CREATE INDEX introductions_by_newcomer ON introductions (community_id, newcomer_id);
