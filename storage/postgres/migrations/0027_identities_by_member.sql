-- PostgreSQL twin of storage/sqlite/migrations/0027_identities_by_member.sql: a member's identities by the
-- member alone, so that writing a last-seen time rewrites no index entry (a heap-only update, too).
DROP INDEX identities_by_member;
CREATE INDEX identities_by_member ON identities (member_id);
