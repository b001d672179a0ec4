-- Broadcasts: one message to every member who may receive it on a platform (a newsletter issue, a scheduled
-- announcement, a founder session's announcement), each member at most once. A broadcast's messages are kept
-- with it (its text in each language), so that its pages, jobs of their own, send what was opened even after
-- a restart. A delivery is one row per (broadcast, member): the primary key is the "at most once" rule, and
-- it is written in the same transaction as the member's outbox row, so a crash in the middle of a page
-- leaves neither and the page's job, run again, reaches exactly the members it had not reached.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    key TEXT NOT NULL,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    messages TEXT NOT NULL CHECK (json_valid(messages)),
    created_at TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (community_id, key)
);

CREATE TABLE broadcast_deliveries (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    sent_at TEXT NOT NULL,
    PRIMARY KEY (broadcast_id, member_id)
) WITHOUT ROWID;
CREATE INDEX broadcast_deliveries_by_member ON broadcast_deliveries (member_id);
