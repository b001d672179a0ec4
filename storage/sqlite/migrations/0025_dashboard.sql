-- The admin dashboard (bot/admin, its reads in storage/sqlite/admin/) filters the ledger by kind, newest
-- first, a page at a time: without this index a rare kind (a refund among five million chat entries) read
-- the whole table for one page. Every other filter of its pages has an index already.
CREATE INDEX ledger_by_kind ON ledger (community_id, kind, created_at);
-- A challenge's submissions a page at a time, and a kept file looked up by its name when the dashboard
-- serves it (only files a submission of this community holds are served).
CREATE INDEX challenge_submissions_by_challenge ON challenge_submissions (challenge_id, id);
CREATE INDEX challenge_media_by_key ON challenge_media (media_key);
