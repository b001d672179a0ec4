"""Statements run straight at a store's database, on either engine, for tests of what the database itself
refuses (its constraints and triggers) whatever the code does."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from storage.postgres.database import PgDatabase
from storage.store import Store

_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (asyncpg.UniqueViolationError, "UNIQUE"),
    (asyncpg.CheckViolationError, "CHECK"),
    (asyncpg.NotNullViolationError, "NOT NULL"),
    (asyncpg.ForeignKeyViolationError, "FOREIGN KEY"),
)


class Raw:
    """Each statement a unit of its own, committed, as a second program writing to the database would be."""

    def __init__(self, store: Store) -> None:
        self.db = store.db

    async def value(self, sql: str, params: tuple | dict = ()) -> Any:
        row = await self.db.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        async with self.db.transaction():
            return await self.db.execute(sql, params)

    async def refused(self, sql: str, params: tuple | dict = ()) -> str:
        """Why the database refuses `sql`: "UNIQUE", "CHECK", "NOT NULL", "FOREIGN KEY", or the message of
        the trigger that refused it. Fails the test when the statement is accepted."""
        try:
            await self.execute(sql, params)
        except sqlite3.IntegrityError as error:
            message = str(error)
            for kind in ("UNIQUE", "CHECK", "NOT NULL", "FOREIGN KEY"):
                if message.startswith(kind):
                    return kind
            return message
        except asyncpg.IntegrityConstraintViolationError as error:
            for error_type, kind in _KINDS:
                if isinstance(error, error_type):
                    return kind
            return str(error).split("\n", 1)[0]
        raise AssertionError(f"the database accepted: {sql}")


@asynccontextmanager
async def failing(store: Store, table: str, message: str = "disk trouble") -> AsyncIterator[None]:
    """Every INSERT into `table` fails (as on a disk in trouble) until the block ends."""
    if isinstance(store.db, PgDatabase):
        async with store.db.transaction():
            await store.db.execute_ddl(
                "CREATE FUNCTION cb_test_failing() RETURNS trigger LANGUAGE plpgsql AS"
                f" $$ BEGIN RAISE EXCEPTION '{message}'; END $$"
            )
            await store.db.execute_ddl(
                f"CREATE TRIGGER cb_test_failing BEFORE INSERT ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION cb_test_failing()"
            )
        try:
            yield
        finally:
            async with store.db.transaction():
                await store.db.execute_ddl(f"DROP TRIGGER cb_test_failing ON {table}")
                await store.db.execute_ddl("DROP FUNCTION cb_test_failing()")
        return
    await store.db.execute(
        f"CREATE TRIGGER cb_test_failing BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )
    try:
        yield
    finally:
        await store.db.execute("DROP TRIGGER cb_test_failing")


async def committed(store: Store, sql: str) -> Any:
    """The first column of `sql`'s first row as another connection sees it: only what is committed."""
    if isinstance(store.db, PgDatabase):
        other = await asyncpg.connect(store.db.url)
        try:
            return await other.fetchval(sql)
        finally:
            await other.close()
    with sqlite3.connect(store.db.path) as connection:
        return connection.execute(sql).fetchone()[0]


async def tables(store: Store) -> list[str]:
    """The names of the store's tables (the engine's own tables left out), in order."""
    if isinstance(store.db, PgDatabase):
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    return [row[0] for row in await store.db.fetch_all(sql)]
