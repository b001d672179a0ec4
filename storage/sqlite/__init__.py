"""SQLite (aiosqlite) implementation of the core's repositories."""
