"""One aiosqlite connection in WAL mode, with serialised transactions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)

_in_transaction: ContextVar[bool] = ContextVar("_in_transaction", default=False)


class Database:
    """The connection every repository shares.

    One connection means one writer, so transactions are serialised with a lock: a coroutine never
    reads another coroutine's uncommitted rows. A transaction opened inside another joins it.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        # FULL: an acknowledged change survives a power cut, not only a crash of this process.
        for pragma in (
            "journal_mode = WAL",
            "foreign_keys = ON",
            "synchronous = FULL",
            "busy_timeout = 5000",
        ):
            await connection.execute(f"PRAGMA {pragma}")
        log.info("database open at %s", path)
        return cls(connection, path)

    async def close(self) -> None:
        async with self._lock:
            await self.connection.close()
        log.info("database closed")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if _in_transaction.get():
            yield
            return
        async with self._lock:
            token = _in_transaction.set(True)
            await self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self.connection.execute("ROLLBACK")
                raise
            else:
                await self.connection.execute("COMMIT")
            finally:
                _in_transaction.reset(token)

    async def fetch_one(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        async with self.connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetch_all(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        async with self.connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """Run one statement; returns the rows it changed."""
        async with self.connection.execute(sql, params) as cursor:
            return cursor.rowcount
