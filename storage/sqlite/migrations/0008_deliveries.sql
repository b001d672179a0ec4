-- The outbox of every platform: each message a command, a job or the chat path causes is written here in
-- the same transaction as the change it tells of, then sent after the commit. A row is claimed (`sending`,
-- with the claim's number) on a connection of its own before a messenger sees it, so a crash leaves it
-- visibly `sending`; the next start ends it `unknown` rather than sending it twice. `member_id` rows are
-- resolved when sent: to the identity the member used last that may receive the message.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    kind TEXT NOT NULL,
    recipient TEXT,
    member_id INTEGER REFERENCES members (id),
    channel TEXT,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'withheld', 'failed', 'unknown')),
    claim INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    platform TEXT,
    note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((recipient IS NOT NULL) + (member_id IS NOT NULL) + (channel IS NOT NULL) = 1)
);
CREATE INDEX deliveries_due ON deliveries (community_id, state, next_attempt_at, id);
CREATE INDEX deliveries_by_claim ON deliveries (claim);

-- WhatsApp's own outbox keeps one row per delivery, so handing a delivery over twice has no second effect.
ALTER TABLE outbox ADD COLUMN delivery_id INTEGER REFERENCES deliveries (id);
CREATE UNIQUE INDEX outbox_by_delivery ON outbox (delivery_id) WHERE delivery_id IS NOT NULL;
