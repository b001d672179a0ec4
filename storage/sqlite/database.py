"""One aiosqlite connection in WAL mode, with serialised transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

import aiosqlite

from handlers.ports import StorageUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")

# FULL: an acknowledged change survives a power cut, not only a crash of this process.
# cache_size: 64 MiB per connection (SQLite's default is 2 MiB). The ledger's indexes outgrow 2 MiB after
# a few hundred thousand entries, and every batch of chat entries then re-read index pages from the OS.
PRAGMAS = (
    "journal_mode = WAL",
    "foreign_keys = ON",
    "synchronous = FULL",
    "busy_timeout = 5000",
    "cache_size = -65536",
)

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class Database:
    """One connection and the transactions on it.

    One connection means one writer, so transactions are serialised with a lock: a coroutine never
    reads another coroutine's uncommitted rows. A transaction opened inside another joins it. A write
    outside a transaction is refused: on a shared connection it would join whatever transaction another
    coroutine has open, and be rolled back with it. Work that must commit on its own, whatever the
    commands do (the outbox's progress marks), gets a Database of its own on the same file (`open`
    again).
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self._lock = asyncio.Lock()
        self._bulk: sqlite3.Connection | None = None
        self._marks: sqlite3.Connection | None = None
        self._in_transaction: ContextVar[bool] = ContextVar(f"in_transaction_{id(self)}", default=False)
        self._companions: list[Database] = []

    def write_beside(self, other: Database) -> None:
        """`other` is a second connection to the same file: bulk transactions wait for its transactions."""
        self._companions.append(other)

    @classmethod
    async def open(cls, path: Path) -> Database:
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = aiosqlite.Row
        for pragma in PRAGMAS:
            await connection.execute(f"PRAGMA {pragma}")
        log.info("database open at %s", path)
        return cls(connection, path)

    async def close(self) -> None:
        async with self._lock:
            for extra in (self._bulk, self._marks):
                if extra is not None:
                    extra.close()
            self._bulk = self._marks = None
            await self.connection.close()
        log.info("database closed")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        if self._in_transaction.get():
            yield
            return
        async with self._lock:
            token = self._in_transaction.set(True)
            try:
                try:
                    await self.connection.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as error:  # busy past the timeout, disk trouble
                    raise StorageUnavailable(str(error)) from error
                try:
                    yield
                except BaseException:
                    await self.connection.execute("ROLLBACK")
                    raise
                try:
                    await self.connection.execute("COMMIT")
                except sqlite3.OperationalError as error:
                    with contextlib.suppress(sqlite3.OperationalError):  # it may be rolled back already
                        await self.connection.execute("ROLLBACK")
                    raise StorageUnavailable(str(error)) from error
            finally:
                self._in_transaction.reset(token)

    async def run_transaction(self, work: Callable[[sqlite3.Connection], T], marks: bool = False) -> T:
        """Run `work` in one transaction on this thread, through a second connection to the same file.

        For bulk writes on a busy event loop (the ledger's group commit). Handing a batch to
        aiosqlite's thread costs a GIL hand-over at every statement, and a CPU-bound loop thread makes
        each one wait for milliseconds; SQLite doing the batch here takes less time than those waits.
        The lock keeps it apart from every other transaction, so it never waits for SQLite's own lock.

        `marks`: progress marks (the outbox's `sending` and `sent`), on a connection of their own whose
        commits skip the fsync (synchronous = NORMAL). In WAL mode such a commit survives a crash of the
        process; only a power cut could lose it, until the next ordinary commit syncs the shared log.
        """
        if self._in_transaction.get():
            raise RuntimeError("run_transaction cannot join an open transaction")
        async with contextlib.AsyncExitStack() as locks:
            await locks.enter_async_context(self._lock)
            # The bulk transaction runs on the event loop's thread, so it must never wait for SQLite's lock:
            # a companion connection's transaction spans awaits, and could only finish once the loop is
            # free again. Holding the companions' locks too, it starts only when none of theirs is open.
            for companion in self._companions:
                await locks.enter_async_context(companion._lock)
            connection = self._marks_connection() if marks else self._bulk_connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                result = work(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
            return result

    def _bulk_connection(self) -> sqlite3.Connection:
        if self._bulk is None:
            self._bulk = self._connect(PRAGMAS)
        return self._bulk

    def _marks_connection(self) -> sqlite3.Connection:
        if self._marks is None:
            self._marks = self._connect((*PRAGMAS, "synchronous = NORMAL"))
            self._marks.row_factory = sqlite3.Row
        return self._marks

    def _connect(self, pragmas: tuple[str, ...]) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in pragmas:
            connection.execute(f"PRAGMA {pragma}")
        return connection

    # Reads run and finish in one call to the connection's thread: a statement left open between awaits
    # holds a read snapshot, and another coroutine's BEGIN IMMEDIATE on the same connection would then
    # fail at once with "database is locked" once a second connection has written.

    async def fetch_one(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        rows = list(await self.connection.execute_fetchall(sql, params))
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        return list(await self.connection.execute_fetchall(sql, params))

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """Run one statement; returns the rows it changed."""
        self.check_write(sql)
        async with self.connection.execute(sql, params) as cursor:
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[tuple | dict]) -> None:
        self.check_write(sql)
        await self.connection.executemany(sql, rows)

    async def insert(self, sql: str, params: tuple | dict = ()) -> int | None:
        """Run one INSERT; the new row's id, or None when it inserted nothing (OR IGNORE, a WHERE)."""
        self.check_write(sql)
        async with self.connection.execute(sql, params) as cursor:
            return cursor.lastrowid if cursor.rowcount == 1 else None

    def check_write(self, sql: str) -> None:
        if not self._in_transaction.get() and sql.lstrip()[:7].upper().startswith(_WRITES):
            raise RuntimeError("a write outside a transaction would join another coroutine's: open one")
