-- The sender reads the oldest pending rows first: an index in that order stops after the batch, where the
-- index by time made it sort every pending row on each read (thousands under a burst).
DROP INDEX outbox_due;
CREATE INDEX outbox_pending ON outbox (community_id, id) WHERE state = 'pending';
CREATE INDEX outbox_next_attempt ON outbox (community_id, next_attempt_at) WHERE state = 'pending';
