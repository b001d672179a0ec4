-- Circles (issue 18): small groups chatting across platforms through the bot. A circle is named once per
-- community and bridged to at most one channel (a partial unique index: a channel speaks for one circle);
-- `configured` marks those the community file declares (synced at start) apart from those made by CIRCLE NEW.
-- circle_members is who is in which circle: chosen_at picks a member's current circle (the latest chosen) and
-- noticed_at bounds the template notice to one a period per member and circle. Mutes are a table of their own
-- so that leaving and joining again does not lift one.
-- circle_messages keeps each relayed message once: (circle, origin, ref) is unique, so a replayed webhook or
-- gateway event relays nothing twice, and an edit or deletion on Discord finds its message by the platform's
-- id; the global id is the number members quote (`#12`) and moderators remove by. Its text and the writer's
-- name are personal data: forgetting a member empties them (the row stays, so replies to it still point
-- somewhere). circle_missed holds, per member, what was relayed while they were outside WhatsApp's window:
-- their next message takes it, oldest first, a capped batch at a time.

CREATE TABLE circles (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    name TEXT NOT NULL,
    size INTEGER NOT NULL CHECK (size >= 2),
    channel TEXT,
    configured INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER REFERENCES members (id),
    created_at TEXT NOT NULL,
    UNIQUE (community_id, name)
);

CREATE UNIQUE INDEX circles_by_channel ON circles (community_id, channel) WHERE channel IS NOT NULL;

CREATE TABLE circle_members (
    circle_id INTEGER NOT NULL REFERENCES circles (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    joined_at TEXT NOT NULL,
    chosen_at TEXT NOT NULL,
    noticed_at TEXT,
    PRIMARY KEY (circle_id, member_id)
) WITHOUT ROWID;

CREATE INDEX circle_members_by_member ON circle_members (member_id, chosen_at);

CREATE TABLE circle_mutes (
    circle_id INTEGER NOT NULL REFERENCES circles (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    muted_by INTEGER REFERENCES members (id),
    muted_at TEXT NOT NULL,
    PRIMARY KEY (circle_id, member_id)
) WITHOUT ROWID;

CREATE TABLE circle_messages (
    id INTEGER PRIMARY KEY,
    circle_id INTEGER NOT NULL REFERENCES circles (id),
    sender_id INTEGER REFERENCES members (id),
    sender_name TEXT NOT NULL,
    origin TEXT NOT NULL,
    ref TEXT NOT NULL,
    text TEXT NOT NULL,
    reply_to INTEGER REFERENCES circle_messages (id),
    media INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    edited_at TEXT,
    removed_at TEXT,
    UNIQUE (circle_id, origin, ref)
);

CREATE INDEX circle_messages_by_ref ON circle_messages (origin, ref);
CREATE INDEX circle_messages_by_sender ON circle_messages (sender_id);

CREATE TABLE circle_missed (
    member_id INTEGER NOT NULL REFERENCES members (id),
    circle_id INTEGER NOT NULL REFERENCES circles (id),
    message_id INTEGER NOT NULL REFERENCES circle_messages (id),
    PRIMARY KEY (member_id, circle_id, message_id)
) WITHOUT ROWID;

CREATE INDEX circle_missed_by_message ON circle_missed (message_id);
