-- PostgreSQL twin of storage/sqlite/migrations/0006_boards_in_memory.sql: the boards are answered from
-- memory, so these indexes only cost.
DROP INDEX balances_board;
DROP INDEX monthly_board;
