"""One aiosqlite connection in WAL mode, with serialised transactions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TypeVar

import aiosqlite

from handlers.ports import StorageUnavailable
from storage.units import Units

log = logging.getLogger(__name__)

T = TypeVar("T")

# FULL: an acknowledged change survives a power cut, not only a crash of this process.
# cache_size: 64 MiB per connection (SQLite's default is 2 MiB). The ledger's indexes outgrow 2 MiB after
# a few hundred thousand entries, and every batch of chat entries then re-read index pages from the OS.
# temp_store: a unit after the first of a batch runs in a savepoint, whose journal (a copy of every page the
# unit changes) spilled to a temporary file past 64 KiB: about ten writes to it per command. Kept in memory,
# write commands at 50 in flight spent 30 us less system time each and ran about 10 % faster (same process,
# alternating phases). Large sorts (an export of the ledger) then use memory too, not a temporary file.
PRAGMAS = (
    "journal_mode = WAL",
    "foreign_keys = ON",
    "synchronous = FULL",
    "busy_timeout = 5000",
    "cache_size = -65536",
    "temp_store = MEMORY",
)

OPTIMIZE = ("PRAGMA analysis_limit = 1000", "PRAGMA optimize = 0x10002")
"""SQLite's upkeep of the query planner's statistics (https://sqlite.org/lang_analyze.html#pragopt):
ANALYZE on every table whose statistics are missing or stale (0x10000: every table, not only those this
connection read), each index sampled at most 1,000 rows deep so that it costs milliseconds even on a ledger of
millions. Run after migrations, every few hours while the bot runs, and at close; it does nothing when nothing
changed."""

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
BUSY_TIMEOUT = 5.0
"""Seconds a unit waits for another process's write lock (the connections' busy_timeout)."""


class Database(Units):
    """The transactions on one file, and reads outside them.

    Transactions are serialised with a lock and share a writer connection that runs on the event loop's
    thread: a statement there takes microseconds, where a hop to a connection's own thread and back
    takes tens (a command runs dozens), and while one unit holds the lock nothing else uses it. Only
    COMMIT, which waits for the disk, goes to a worker thread; BEGIN never waits inside a call (another
    process's lock is waited for between awaits), so the loop never blocks on either. Reads outside a
    transaction go through an aiosqlite connection on its own thread and see only what is committed. A
    transaction opened inside another joins it; a write outside a transaction is refused. Work that must
    commit whatever the commands do (the outboxes' progress marks) is a unit of its own (or a marks
    transaction, `run_transaction`): a command that fails rolls back to its own savepoint only, so no
    mark is ever taken along.
    """

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        super().__init__()
        self.connection = connection
        self.path = path
        # It never waits for SQLite's lock inside a call: a busy BEGIN is tried again between awaits.
        self._writer = self._connect((*PRAGMAS, "busy_timeout = 0"))
        self._writer.row_factory = sqlite3.Row

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

    async def optimize(self) -> None:
        """Refresh the planner's statistics where they are missing or stale (OPTIMIZE); never raises:
        statistics help the planner, and a busy or read-only file must not stop the bot."""
        try:
            for pragma in OPTIMIZE:
                await self.connection.execute(pragma)
        except sqlite3.Error as error:
            log.warning("PRAGMA optimize failed: %s", error)

    async def close(self) -> None:
        async with self._lock:
            if self._batch is not None:
                await self._finish(self._batch)
            await self.optimize()  # as SQLite recommends, before a long-lived connection closes
            self._writer.close()
            await self.connection.close()
        log.info("database closed")

    # The statements of a unit of work (storage/units.py): on the writer, on the loop's thread, but COMMIT.

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE on the loop's thread: no connection of this process holds SQLite's write lock
        while this one waits for the lock (`run_transaction` runs under it too),
        so it is taken at once; another process's lock is waited for between awaits, up to the timeout."""
        pause, deadline = 0.001, time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:  # busy past the timeout, disk trouble
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                    raise StorageUnavailable(str(error)) from error
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.05)

    async def _savepoint(self) -> None:
        # One name for all: units run one after another and each releases its own, so the only savepoint
        # open is this unit's (numbered names made three new statements to prepare per unit).
        self._writer.execute("SAVEPOINT unit")

    async def _end_savepoint(self, failed: bool) -> None:
        if failed:
            self._writer.execute("ROLLBACK TO unit")
        # Released either way: an open savepoint per unit made every later unit journal its pages once
        # per savepoint still open (the sub-journal spilled to a file in a batch of 50).
        self._writer.execute("RELEASE unit")

    async def _commit(self) -> None:
        try:  # on a worker thread: the loop goes on while the disk syncs
            await asyncio.to_thread(self._writer.execute, "COMMIT")
        except sqlite3.OperationalError as error:
            await self._rollback()  # it may be rolled back already
            raise StorageUnavailable(str(error)) from error

    async def _rollback(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._writer.execute("ROLLBACK")

    async def run_transaction(self, work: Callable[[], Awaitable[T]], marks: bool = False) -> T:
        """Await `work` in one transaction of its own on this thread; its statements, through this
        Database's methods, run on the writer connection (as inside a unit of work).

        For bulk writes on a busy event loop (the ledger's group commit). Handing a batch to
        aiosqlite's thread costs a GIL hand-over at every statement, and a CPU-bound loop thread makes
        each one wait for milliseconds; SQLite doing the batch here takes less time than those waits.
        The lock keeps it apart from every other transaction; the writer's own connection keeps its page
        cache warm (a second connection's commits made the writer read back every page it had cached).
        `work` should await nothing but those methods: on the writer they never suspend, so it holds
        SQLite's write lock for no longer than its statements take.

        `marks`: progress marks (the outbox's `sending` and `sent`), whose commit skips the fsync
        (synchronous = NORMAL for this transaction only). In WAL mode such a commit survives a crash of
        the process; only a power cut could lose it, until the next ordinary commit syncs the shared log.
        """
        if self._in_transaction.get():
            raise RuntimeError("run_transaction cannot join an open transaction")
        async with self._lock:
            await self.commit_batch()  # the open batch first: it is durable before anything after it
            writer = self._writer
            if marks:
                writer.execute("PRAGMA synchronous = NORMAL")
            try:
                await self._begin()  # another process's lock is waited for between awaits
                token = self._in_transaction.set(True)  # the work's statements go to the writer
                try:
                    result = await work()
                except BaseException:
                    writer.execute("ROLLBACK")
                    raise
                finally:
                    self._in_transaction.reset(token)
                writer.execute("COMMIT")
                return result
            finally:
                if marks:
                    writer.execute("PRAGMA synchronous = FULL")

    def _connect(self, pragmas: tuple[str, ...]) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in pragmas:
            connection.execute(f"PRAGMA {pragma}")
        return connection

    # Inside a unit of work, statements run on the writer, on this thread. Reads outside one run and finish
    # in one call to the reading connection's thread: a statement left open between awaits would hold a
    # read snapshot.

    async def fetch_one(self, sql: str, params: tuple | dict = ()) -> aiosqlite.Row | None:
        if self._in_transaction.get():
            found: aiosqlite.Row | None = self._writer.execute(sql, params).fetchone()
            return found
        rows = list(await self.connection.execute_fetchall(sql, params))
        return rows[0] if rows else None

    async def fetch_all(self, sql: str, params: tuple | dict = ()) -> list[aiosqlite.Row]:
        if self._in_transaction.get():
            return self._writer.execute(sql, params).fetchall()
        return list(await self.connection.execute_fetchall(sql, params))

    async def execute(self, sql: str, params: tuple | dict = ()) -> int:
        """Run one statement; returns the rows it changed."""
        self.check_write(sql)
        if self._in_transaction.get():
            return self._writer.execute(sql, params).rowcount
        async with self.connection.execute(sql, params) as cursor:
            return cursor.rowcount

    async def execute_many(self, sql: str, rows: Iterable[tuple | dict]) -> int:
        """Run one statement once per row; returns the rows they changed, in all."""
        self.check_write(sql)
        if self._in_transaction.get():
            return self._writer.executemany(sql, rows).rowcount
        async with self.connection.executemany(sql, rows) as cursor:
            return cursor.rowcount

    async def insert(self, sql: str, params: tuple | dict = ()) -> int | None:
        """Run one INSERT; the new row's id, or None when it inserted nothing (OR IGNORE, a WHERE)."""
        self.check_write(sql)
        if self._in_transaction.get():
            inline = self._writer.execute(sql, params)
            return inline.lastrowid if inline.rowcount == 1 else None
        async with self.connection.execute(sql, params) as cursor:
            return cursor.lastrowid if cursor.rowcount == 1 else None

    async def fetch_columns(self, sql: str, params: tuple | dict = ()) -> tuple[list[str], list[tuple]]:
        """Column names and rows (an export's), read outside a transaction."""
        async with self.connection.execute(sql, params) as cursor:
            columns = [d[0] for d in cursor.description]
            rows = [tuple(row) for row in await cursor.fetchall()]
        return columns, rows

    async def new_ids(self, table: str, count: int) -> list[int]:
        """Ids for `count` new rows of `table` (its `id` column), to insert explicitly in this unit: the
        writer lock is held, so none is taken by anyone else before the unit ends."""
        if not self._in_transaction.get():
            raise RuntimeError("ids are reserved inside a transaction")
        last = self._writer.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]
        return list(range(last + 1, last + 1 + count))

    def check_write(self, sql: str) -> None:
        if not self._in_transaction.get() and sql.lstrip()[:7].upper().startswith(_WRITES):
            raise RuntimeError("a write outside a transaction would join another coroutine's: open one")
