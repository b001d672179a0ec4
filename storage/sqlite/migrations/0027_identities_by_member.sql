-- A member's identities by the member alone. The index held last_seen_at too, so every write of a
-- member's last-seen time (their first message of each minute, every vote of a burst from distinct
-- members) rewrote an entry of it as well as the identity's row: a second random page for each commit
-- to carry. A member has one to three identities, so ordering them by last_seen_at needs no index.
-- Measured with benchmarks/polls.py (5,000 votes from distinct members, 50 in flight, three alternating
-- rounds each): 4,287 -> 4,666 votes/s, p99 17.4 -> 13.8 ms.
DROP INDEX identities_by_member;
CREATE INDEX identities_by_member ON identities (member_id);
