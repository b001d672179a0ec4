-- PostgreSQL twin of storage/sqlite/migrations/0025_dashboard.sql: the dashboard's pages by ledger kind,
-- a challenge's submissions and kept files by name, each read by an index.

CREATE INDEX ledger_by_kind ON ledger (community_id, kind, created_at);
CREATE INDEX challenge_submissions_by_challenge ON challenge_submissions (challenge_id, id);
CREATE INDEX challenge_media_by_key ON challenge_media (media_key);
