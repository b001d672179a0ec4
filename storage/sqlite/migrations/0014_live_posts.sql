-- Live posts: where a platform that edits what it sent put a post that changes (a poll's live results),
-- so the next version edits that message, also after a restart. One row per post key and platform; the
-- location is the platform's own (on Discord `channel_id:message_id`).

CREATE TABLE live_posts (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    board TEXT NOT NULL,
    platform TEXT NOT NULL,
    location TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, board, platform)
) WITHOUT ROWID;
