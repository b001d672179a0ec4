-- PostgreSQL twin of storage/sqlite/migrations/0012_outbox_pending.sql: the sender reads the oldest pending
-- rows first, by an index in that order.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (community_id, id) WHERE state = 'pending';
CREATE INDEX outbox_next_attempt ON outbox (community_id, next_attempt_at) WHERE state = 'pending';
