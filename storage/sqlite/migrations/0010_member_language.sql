-- The language a member chose with LANGUAGE (`en`, `fr`, `it`); NULL: their app's, else the community's.
-- On the member row, so it follows them on every platform they linked.
ALTER TABLE members ADD COLUMN language TEXT;
