"""One aiosqlite connection in WAL mode, with serialised transactions."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import aiosqlite

from handlers.ports import StorageUnavailable
from storage.sqlite.turns import TurnLock

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

OPTIMIZE = ("PRAGMA analysis_limit = 1000", "PRAGMA optimize = 0x10002")
"""SQLite's upkeep of the query planner's statistics (https://sqlite.org/lang_analyze.html#pragopt):
ANALYZE on every table whose statistics are missing or stale (0x10000: every table, not only those this
connection read), each index sampled at most 1,000 rows deep so that it costs milliseconds even on a ledger of
millions. Run after migrations, every few hours while the bot runs, and at close; it does nothing when nothing
changed."""

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
BATCH_BUDGET = 0.02
"""Seconds a batch of units stays open for more (each waits for its COMMIT: this bounds what it adds).
20 ms rather than 8: when commands keep the loop busy, no unit runs while a COMMIT syncs, and longer
batches sync less often (measured: writes at 50 in flight +16%, their p99 lower, webhook answers too)."""
BATCH_UNITS = 500
BUSY_TIMEOUT = 5.0
"""Seconds a unit waits for another process's write lock (the connections' busy_timeout)."""


@dataclass
class _Batch:
    started: float
    units: int = 0
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Database:
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
        self.connection = connection
        self.path = path
        # It never waits for SQLite's lock inside a call: a busy BEGIN is tried again between awaits.
        self._writer = self._connect((*PRAGMAS, "busy_timeout = 0"))
        self._writer.row_factory = sqlite3.Row
        self._lock = TurnLock()
        self._in_transaction: ContextVar[bool] = ContextVar(f"in_transaction_{id(self)}", default=False)
        self._batch: _Batch | None = None
        """The transaction units share (group commit), while one is open."""
        self._waiting = 0
        """Units waiting for the lock: while there are some, a unit hands the open transaction on."""
        self.group_commit = True
        """False: one COMMIT per unit (the design before group commit; the benchmark compares the two)."""

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

    @asynccontextmanager
    async def transaction(self, own: bool = False, first: bool = False) -> AsyncIterator[None]:
        """One unit of work, all or nothing; it returns only once what it wrote is durable.

        Group commit: units that arrive while one runs share its transaction, each inside a savepoint of
        its own (a unit that fails rolls back to its savepoint and writes nothing; the others are kept),
        and one COMMIT makes the batch durable. A unit ends by handing the open transaction on when
        another is waiting for it and the batch is young, else by committing it; either way it returns
        only after that COMMIT, and if the COMMIT fails every unit of the batch raises StorageUnavailable.
        Units run in arrival order (the lock is fair), each seeing what the ones before it wrote.
        `own`: refuse to join an open unit (for marks that must not share a command's fate). `first`: take
        the writer before the units waiting without it (storage.sqlite.turns: a webhook's message).
        """
        if self._in_transaction.get():
            if own:  # a mark that must commit whatever the open unit does
                raise RuntimeError("this transaction must be a unit of its own, not part of the open one")
            yield
            return
        self._waiting += 1
        try:
            await self._lock.acquire(first)
        except BaseException:  # cancelled while waiting: a batch handed on to it must still commit
            self._waiting -= 1
            if self._batch is not None and not self._lock.locked():
                asyncio.get_running_loop().create_task(self._commit_orphan(), context=contextvars.Context())
            raise
        self._waiting -= 1
        token = self._in_transaction.set(True)
        batch = self._batch
        savepoint: str | None = None
        try:
            if batch is None:
                await self._begin()
                batch = self._batch = _Batch(time.perf_counter())
            else:  # a unit after the first gets a savepoint: its failure must not undo the others
                # One name for all: units run one after another and each releases its own, so the only
                # savepoint open is this unit's (numbered names made three new statements to prepare per
                # unit).
                savepoint = "unit"
                self._writer.execute("SAVEPOINT unit")
            batch.units += 1
        except BaseException:
            self._in_transaction.reset(token)
            if self._batch is not None:  # the units before this one still wait for their COMMIT
                await self._finish(self._batch)
            self._lock.release()
            raise
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            self._in_transaction.reset(token)
            await self._end_unit(batch, savepoint, failed)

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

    async def _end_unit(self, batch: _Batch, savepoint: str | None, failed: bool) -> None:
        """Undo a failed unit, then hand the transaction on or commit it; wait for the COMMIT."""
        try:
            if failed and savepoint is None:  # the batch's first unit: nothing else is in it yet
                self._batch = None
                self._writer.execute("ROLLBACK")
                batch.done.set_result(None)
                return
            if savepoint is not None:
                if failed:
                    self._writer.execute(f"ROLLBACK TO {savepoint}")
                # Released either way: an open savepoint per unit made every later unit journal its pages
                # once per savepoint still open (the sub-journal spilled to a file in a batch of 50).
                self._writer.execute(f"RELEASE {savepoint}")
            young = time.perf_counter() - batch.started < BATCH_BUDGET and batch.units < BATCH_UNITS
            if self.group_commit and self._waiting and young:
                return  # the next unit carries the transaction on; its end commits it, or the next's
            await self.commit_batch()
        except BaseException:
            # The transaction may be half gone (the connection failed): roll back what is left.
            if self._batch is batch:
                await self._abandon(batch, "the transaction failed")
            raise
        finally:
            self._lock.release()
            if not failed:
                await asyncio.shield(batch.done)  # raises StorageUnavailable when the COMMIT failed

    async def commit_batch(self) -> None:
        """COMMIT the open batch (the lock is held) and tell every unit in it."""
        batch = self._batch
        if batch is None:
            return
        self._batch = None
        try:  # on a worker thread: the loop goes on while the disk syncs
            await asyncio.to_thread(self._writer.execute, "COMMIT")
        except sqlite3.OperationalError as error:
            with contextlib.suppress(sqlite3.OperationalError):  # it may be rolled back already
                self._writer.execute("ROLLBACK")
            batch.done.set_exception(StorageUnavailable(str(error)))
            batch.done.exception()  # retrieved: the units see it through their own await
            return
        batch.done.set_result(None)

    async def _finish(self, batch: _Batch) -> None:
        try:
            await self.commit_batch()
        except BaseException:
            await self._abandon(batch, "the transaction failed")

    async def _commit_orphan(self) -> None:
        """A batch handed on to a unit that then gave up waiting: commit it for the units in it."""
        async with self._lock:
            if self._batch is not None:
                await self._finish(self._batch)

    async def _abandon(self, batch: _Batch, why: str) -> None:
        self._batch = None
        with contextlib.suppress(sqlite3.Error):
            self._writer.execute("ROLLBACK")
        if not batch.done.done():
            batch.done.set_exception(StorageUnavailable(why))
            batch.done.exception()

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
