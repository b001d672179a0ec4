-- Points: an append-only ledger. Balances and monthly totals are updated in the same transaction
-- as the entries (storage/sqlite/points.py is the only writer), summed per member per batch: one
-- upsert per member rather than one per entry keeps the busy chat path fast.

CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    delta INTEGER NOT NULL CHECK (delta <> 0),
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    actor_id INTEGER REFERENCES members (id),
    actor_identity TEXT,
    source TEXT NOT NULL,
    created_at TEXT NOT NULL,
    month TEXT NOT NULL,
    reverses INTEGER REFERENCES ledger (id),
    UNIQUE (community_id, source)
);
CREATE INDEX ledger_by_member ON ledger (member_id, id);
CREATE INDEX ledger_by_time ON ledger (community_id, created_at);
CREATE UNIQUE INDEX ledger_reversal_once ON ledger (reverses) WHERE reverses IS NOT NULL;
-- "who caused it": actor_id when the actor is a member, actor_identity always (a moderator may not be one).

-- earned: everything but spending. Levels and leaderboards rank by it, so buying a perk never demotes.
CREATE TABLE balances (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    balance INTEGER NOT NULL DEFAULT 0,
    earned INTEGER NOT NULL DEFAULT 0,
    listed INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;
CREATE INDEX balances_board ON balances (community_id, listed, earned DESC, member_id);

CREATE TABLE monthly_points (
    community_id INTEGER NOT NULL REFERENCES communities (id),
    month TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id),
    earned INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, month, member_id)
) WITHOUT ROWID;
CREATE INDEX monthly_board ON monthly_points (community_id, month, earned DESC, member_id);

-- Append-only: corrections are new entries. Only the member columns may change (merging two
-- identities' members into one re-points their history).
CREATE TRIGGER ledger_is_append_only BEFORE UPDATE OF id, community_id, delta, kind, reason, actor_identity, source,
    created_at, month, reverses ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_keeps_entries BEFORE DELETE ON ledger
BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TABLE shop_items (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    cost INTEGER NOT NULL CHECK (cost > 0),
    stock INTEGER CHECK (stock IS NULL OR stock >= 0),
    redeemed INTEGER NOT NULL DEFAULT 0,
    per_member_limit INTEGER CHECK (per_member_limit IS NULL OR per_member_limit > 0),
    fulfilment TEXT NOT NULL CHECK (fulfilment IN ('codes', 'manual')),
    origin TEXT NOT NULL CHECK (origin IN ('config', 'moderator')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    UNIQUE (community_id, key)
);

CREATE TABLE redemptions (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities (id),
    item_id INTEGER NOT NULL REFERENCES shop_items (id),
    member_id INTEGER NOT NULL REFERENCES members (id),
    ledger_id INTEGER REFERENCES ledger (id),
    cost INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('delivered', 'pending', 'fulfilled')),
    created_at TEXT NOT NULL,
    fulfilled_at TEXT,
    fulfilled_by INTEGER REFERENCES members (id)
);
CREATE INDEX redemptions_by_member ON redemptions (item_id, member_id);
CREATE INDEX redemptions_open ON redemptions (community_id, state);

CREATE TABLE shop_codes (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES shop_items (id),
    code TEXT NOT NULL,
    redemption_id INTEGER UNIQUE REFERENCES redemptions (id),
    UNIQUE (item_id, code)
);
CREATE INDEX shop_codes_free ON shop_codes (item_id, id) WHERE redemption_id IS NULL;
