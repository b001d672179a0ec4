"""PostgreSQL storage (asyncpg): the same schema and SQL as storage/sqlite, on a server."""
