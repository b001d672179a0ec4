-- Messages a platform was told were received (an answered webhook), kept until the core has handled them:
-- after a crash the bot resumes them in arrival order (seq). The event id is the key: a replay stored
-- twice would be handled twice in memory, and the inbox table makes a late replay count once anyway.
CREATE TABLE intake (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    source TEXT NOT NULL,
    identity TEXT NOT NULL,
    body TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}',
    received_at TEXT NOT NULL,
    UNIQUE (community_id, source)
);
