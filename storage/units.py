"""Units of work with group commit, the same on both engines (storage/sqlite/database.py and
storage/postgres/database.py provide the statements: BEGIN, savepoints, COMMIT, ROLLBACK).

Units run one at a time on the engine's writer, in arrival order (the lock is fair). Group commit: units
that arrive while one runs share its transaction, each inside a savepoint of its own (a unit that fails
rolls back to its savepoint and writes nothing; the others are kept), and one COMMIT makes the batch
durable. A unit ends by handing the open transaction on when another is waiting for it and the batch is
young (under load it first gives the loop a few turns for one to arrive: LINGER_TURNS), else by committing
it; either way it returns only after that COMMIT, and if the COMMIT fails every unit of the batch raises
StorageUnavailable.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from handlers.ports import StorageUnavailable
from storage.sqlite.turns import TurnLock

BATCH_BUDGET = 0.02
"""Seconds a batch of units stays open for more (each waits for its COMMIT: this bounds what it adds).
20 ms rather than 8: when commands keep the loop busy, no unit runs while a COMMIT syncs, and longer
batches sync less often (measured on SQLite: writes at 50 in flight +16%, their p99 lower, webhook answers
too)."""
BATCH_UNITS = 500
LINGER_TURNS = 4
"""Turns of the event loop a batch waits for more units when its last unit finds nobody waiting, while
the load lasts. Commands woken by the previous COMMIT need a few turns to reach the writer (the future's
callback, the shield's, their task's step): without them, the first of those committed alone, and the
rest made a second batch. Measured on SQLite with writes at 50 in flight: a unit a batch became 28, single
units 1 batch in 40 instead of every other one, and 7-9 % more commands a second (same process, alternate
phases). A lone command (the previous batch held one unit) commits at once."""


@dataclass
class Batch:
    started: float
    units: int = 0
    done: asyncio.Future[None] = field(default_factory=lambda: asyncio.get_running_loop().create_future())


class Units(ABC):
    """Serialised units of work that share transactions; an engine says how to run the statements."""

    def __init__(self) -> None:
        self._lock = TurnLock()
        self._in_transaction: ContextVar[bool] = ContextVar(f"in_transaction_{id(self)}", default=False)
        self._batch: Batch | None = None
        """The transaction units share (group commit), while one is open."""
        self._waiting = 0
        """Units waiting for the lock: while there are some, a unit hands the open transaction on."""
        self.group_commit = True
        """False: one COMMIT per unit (the design before group commit; the benchmarks compare the two)."""
        self._crowded = False
        """Whether the last batch committed held more than one unit: then more are likely on their way."""

    @abstractmethod
    async def _begin(self) -> None:
        """Open a transaction on the writer (StorageUnavailable when it cannot be had in time)."""

    @abstractmethod
    async def _savepoint(self) -> None:
        """A savepoint for the unit that joins the open batch."""

    @abstractmethod
    async def _end_savepoint(self, failed: bool) -> None:
        """Roll back to the unit's savepoint when it failed; release it either way."""

    @abstractmethod
    async def _commit(self) -> None:
        """COMMIT the open transaction; on failure roll back and raise StorageUnavailable."""

    @abstractmethod
    async def _rollback(self) -> None:
        """ROLLBACK what is open; never raises (the transaction may be gone already)."""

    @asynccontextmanager
    async def transaction(self, own: bool = False, first: bool = False) -> AsyncIterator[None]:
        """One unit of work, all or nothing; it returns only once what it wrote is durable.

        A transaction opened inside another joins it. `own`: refuse to join an open unit (for marks that
        must not share a command's fate). `first`: take the writer before the units waiting without it
        (storage.sqlite.turns: a webhook's message).
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
        savepoint = False
        try:
            if batch is None:
                await self._begin()
                batch = self._batch = Batch(time.perf_counter())
            else:  # a unit after the first gets a savepoint: its failure must not undo the others
                await self._savepoint()
                savepoint = True
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

    async def _end_unit(self, batch: Batch, savepoint: bool, failed: bool) -> None:
        """Undo a failed unit, then hand the transaction on or commit it; wait for the COMMIT."""
        try:
            if failed and not savepoint:  # the batch's first unit: nothing else is in it yet
                self._batch = None
                await self._rollback()
                batch.done.set_result(None)
                return
            if savepoint:
                await self._end_savepoint(failed)
            young = time.perf_counter() - batch.started < BATCH_BUDGET and batch.units < BATCH_UNITS
            if self.group_commit and young and not self._waiting and self._crowded:
                await self._linger()
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

    async def _linger(self) -> None:
        """Give the loop up to LINGER_TURNS turns, until a unit waits for the writer (it carries the
        batch on). Cancelled meanwhile, the batch is committed first: it holds the other units' work."""
        try:
            for _ in range(LINGER_TURNS):
                await asyncio.sleep(0)
                if self._waiting:
                    return
        except asyncio.CancelledError:
            await self.commit_batch()
            raise

    async def commit_batch(self) -> None:
        """COMMIT the open batch (the lock is held) and tell every unit in it."""
        batch = self._batch
        if batch is None:
            return
        self._batch = None
        self._crowded = batch.units > 1
        try:
            await self._commit()
        except StorageUnavailable as error:
            batch.done.set_exception(error)
            batch.done.exception()  # retrieved: the units see it through their own await
            return
        batch.done.set_result(None)

    async def _finish(self, batch: Batch) -> None:
        try:
            await self.commit_batch()
        except BaseException:
            await self._abandon(batch, "the transaction failed")

    async def _commit_orphan(self) -> None:
        """A batch handed on to a unit that then gave up waiting: commit it for the units in it."""
        async with self._lock:
            if self._batch is not None:
                await self._finish(self._batch)

    async def _abandon(self, batch: Batch, why: str) -> None:
        self._batch = None
        await self._rollback()
        if not batch.done.done():
            batch.done.set_exception(StorageUnavailable(why))
            batch.done.exception()
