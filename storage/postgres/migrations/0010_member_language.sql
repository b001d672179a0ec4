-- PostgreSQL twin of storage/sqlite/migrations/0010_member_language.sql: the language a member chose.
ALTER TABLE members ADD COLUMN language TEXT;
