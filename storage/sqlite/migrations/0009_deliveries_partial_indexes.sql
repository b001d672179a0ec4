-- Partial indexes on the outbox: a row leaves `pending` and `sending` once, so sent rows cost no index work
-- and the indexes stay as small as what is in flight (settling a sent row: 7.9 -> 1.6 us; claiming 5.1 -> 3.5).
DROP INDEX deliveries_due;
-- Claims are read back with UPDATE ... RETURNING now: nothing looks rows up by claim any more.
DROP INDEX deliveries_by_claim;
CREATE INDEX deliveries_due ON deliveries (community_id, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_sending ON deliveries (community_id) WHERE state = 'sending';
