-- Core tables: communities, members and their platform identities, offered choices,
-- handled inbound messages, the timer table and the console's simulated clock.
-- Every row belongs to a community, so one database can serve several.

CREATE TABLE communities (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    handle TEXT NOT NULL,
    display_name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'member', 'left')),
    joined_at TEXT NOT NULL,
    left_at TEXT,
    UNIQUE (community_id, handle)
);

CREATE TABLE identities (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    identity TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (community_id, identity)
);
CREATE INDEX identities_by_member ON identities (member_id, last_seen_at);

CREATE TABLE offered_choices (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    identity TEXT NOT NULL,
    choices TEXT NOT NULL,
    offered_at TEXT NOT NULL,
    PRIMARY KEY (community_id, identity)
);

-- Platform message ids already handled: a replayed webhook or event has no second effect.
CREATE TABLE inbox (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    source TEXT NOT NULL,
    identity TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (community_id, source)
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    run_at TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    key TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'done', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    finished_at TEXT,
    UNIQUE (community_id, key)
);
CREATE INDEX jobs_due ON jobs (community_id, state, run_at, id);

CREATE TABLE clock_state (
    community_id INTEGER PRIMARY KEY REFERENCES communities (id),
    simulated_now TEXT NOT NULL
);
