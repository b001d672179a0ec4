-- PostgreSQL twin of storage/sqlite/migrations/0009_deliveries_partial_indexes.sql: partial indexes keep
-- only what is in flight, and nothing looks rows up by claim any more.
DROP INDEX deliveries_due;
DROP INDEX deliveries_by_claim;
CREATE INDEX deliveries_due ON deliveries (community_id, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_sending ON deliveries (community_id) WHERE state = 'sending';
