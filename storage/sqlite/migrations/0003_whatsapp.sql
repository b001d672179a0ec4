-- WhatsApp (Twilio): consent to proactive messages, one-time link codes, the 24-hour window per
-- identity, and the outbox every outbound WhatsApp message goes through.

-- Append-only: the latest row per identity is the current state; the rest is the audit trail.
CREATE TABLE consent_events (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    identity TEXT NOT NULL,
    opted_in INTEGER NOT NULL CHECK (opted_in IN (0, 1)),
    source TEXT NOT NULL,
    wording TEXT,
    at TEXT NOT NULL
);
CREATE INDEX consent_latest ON consent_events (community_id, identity, id);

CREATE TABLE link_codes (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    code TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT,
    PRIMARY KEY (community_id, code)
);
CREATE INDEX link_codes_by_member ON link_codes (community_id, member_id);

-- Wrong codes typed, so that guessing codes is cut off after a few tries.
CREATE TABLE link_failures (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    identity TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX link_failures_by_identity ON link_failures (community_id, identity, at);

-- A member merged into another by LINK points at the member that carries on.
ALTER TABLE members ADD COLUMN merged_into INTEGER REFERENCES members (id);

-- When each WhatsApp identity last wrote to us: free-form messages only within 24 hours of it.
CREATE TABLE whatsapp_windows (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    identity TEXT NOT NULL,
    last_inbound_at TEXT NOT NULL,
    PRIMARY KEY (community_id, identity)
);

-- One row per outbound message, written before it is sent.
-- state: pending -> sending -> sent | failed | skipped | unknown (interrupted while sending: not resent).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('text', 'template')),
    body TEXT NOT NULL,
    content_sid TEXT,
    content_variables TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'unknown')),
    parts_total INTEGER NOT NULL DEFAULT 1,
    parts_sent INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    error_code TEXT,
    note TEXT,
    retry_of INTEGER REFERENCES outbox (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX outbox_due ON outbox (community_id, state, next_attempt_at, id);
CREATE INDEX outbox_by_recipient ON outbox (community_id, recipient, state, id);

-- Each message Twilio accepted (one per part), with the delivery status its callbacks report.
CREATE TABLE outbox_sends (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    sid TEXT NOT NULL,
    outbox_id INTEGER NOT NULL REFERENCES outbox (id),
    part INTEGER NOT NULL,
    status TEXT NOT NULL,
    error_code TEXT,
    sent_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, sid)
);
CREATE INDEX outbox_sends_by_row ON outbox_sends (outbox_id, part);
