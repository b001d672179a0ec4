-- The leaderboards (TOP, ranks) are answered from the points engine's in-memory totals, so these
-- indexes only cost: every chat batch rewrote an index entry per member in each of them.
DROP INDEX balances_board;
DROP INDEX monthly_board;
