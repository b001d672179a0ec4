"""Group commit: many callers' rows written in one transaction, all told at once when they are durable.

An await on aiosqlite costs tens of microseconds and a durable commit costs an fsync, so one
transaction per chat message cannot keep up with a busy community. Callers add rows to the open batch
without waiting; one writer task commits a batch while the next one fills, so batches grow with the
load. A batch stops growing at what FLUSH_BUDGET_SECONDS of writing holds, so that latency stays
bounded when the load exceeds what one core can write. A batch is one future, not one per caller: at
tens of thousands of messages a second, a future and a callback per message cost more than SQLite does.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Row = TypeVar("Row")
Out = TypeVar("Out")

FLUSH_BUDGET_SECONDS = 0.016
"""A batch is full when writing it is expected to take this long (at the measured cost per row): a full
batch is written at once and its producers wait for it (backpressure). A row then waits for about
one write in progress and its own, which keeps every row durable well within 50 ms."""
MIN_FULL_ROWS = 200
MAX_FULL_ROWS = 5_000
INITIAL_ROW_SECONDS = 12e-6
"""The cost per row assumed until batches have been measured (about a chat ledger row's here)."""
LINGER_SECONDS = 0.012
"""How long a batch may wait for more rows: a commit rewrites every page it touched (an index page
holds rows of many members), so rows that share a commit cost several times less each."""


class GroupCommitWriter(Generic[Row, Out]):
    """`flush(rows)` writes and commits one batch and returns, per row, what became of it (whether it was
    new, or the id it got)."""

    def __init__(self, flush: Callable[[list[Row]], Awaitable[list[Out]]]) -> None:
        self._flush = flush
        self._rows: list[Row] = []
        self._batch: asyncio.Future[list[Out]] | None = None
        """The open batch: it holds the rows added since the writer last took one."""
        self._last: asyncio.Future[list[Out]] | None = None
        self._wakeup = asyncio.Event()
        self._opened = 0.0
        self._lateness = 0.0
        """How late the writer woke from recent lingers (a moving average, in seconds)."""
        self._filled: asyncio.Future[None] | None = None
        """Set while the writer lingers: resolved early when the batch fills or someone waits for it."""
        self._row_seconds = INITIAL_ROW_SECONDS
        """What writing one row of a big batch recently cost (a moving average)."""
        self._overshoot = 0.0
        """How many rows full batches recently got beyond full_rows before the writer took them (a moving
        average): every event in flight may add its message's rows before it sees the batch is full."""
        self.full_rows = int(FLUSH_BUDGET_SECONDS / INITIAL_ROW_SECONDS)
        """How many rows make a batch full: FLUSH_BUDGET_SECONDS at the measured cost per row, less the
        recent overshoot."""
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def submit(self, rows: Sequence[Row]) -> tuple[asyncio.Future[list[Out]], int]:
        """Add rows to the open batch: its future and where these rows start in its result.

        Once the batch is committed the future gives, for each of its rows, what `flush` said of it; every
        caller that added to the same batch gets the same future.
        """
        if self._closing:
            raise RuntimeError("the writer is closed")
        if not rows:  # nothing to write: nothing to wait for
            done: asyncio.Future[list[Out]] = asyncio.get_running_loop().create_future()
            done.set_result([])
            return done, 0
        batch = self._batch
        if batch is None:
            loop = asyncio.get_running_loop()
            batch = self._batch = self._last = loop.create_future()
            self._opened = loop.time()
            if self._task is None:
                self._task = loop.create_task(
                    self._run(), name="ledger-group-commit", context=contextvars.Context()
                )  # its own context: submitted from inside a unit of work, it is no part of it
            self._wakeup.set()
        start = len(self._rows)
        self._rows.extend(rows)
        if start + len(rows) >= self.full_rows:
            self._hurry()
        return batch, start

    async def write(self, rows: Sequence[Row]) -> list[Out]:
        """Add rows and wait until they are durable; for each, what `flush` said of it."""
        batch, start = self.submit(rows)
        return (await batch)[start : start + len(rows)]

    @property
    def backlogged(self) -> bool:
        """The open batch is full: producers should wait for it before they add more rows."""
        return len(self._rows) >= self.full_rows

    async def settle(self) -> None:
        """Wait until everything submitted so far is committed (or has failed); batches commit in order."""
        last = self._last
        if last is not None and not last.done():
            self._hurry()
            await asyncio.wait([last])

    async def close(self) -> None:
        """Commit what is queued, then stop."""
        self._closing = True
        if self._task is None:
            return
        self._hurry()
        self._wakeup.set()
        await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._batch is not None:
                await self._linger()
                batch, rows = self._batch, self._rows
                self._batch, self._rows = None, []
                began = time.perf_counter()
                try:
                    new = await self._flush(rows)
                except Exception as error:  # every caller hears of it; nothing was committed
                    log.exception("group commit of %d rows failed", len(rows))
                    if not batch.done():
                        batch.set_exception(error)
                    continue
                if not batch.done():
                    batch.set_result(new)
                self._measure(len(rows), time.perf_counter() - began)
            if self._closing:
                return

    async def _linger(self) -> None:
        """Give a small batch until LINGER_SECONDS after it opened to grow, unless it fills first.

        A busy loop wakes the writer late (each loop pass runs every ready event first), and that delay
        adds to every row's wait: the linger is shortened by how late recent wake-ups were.
        """
        loop = asyncio.get_running_loop()
        deadline = self._opened + LINGER_SECONDS - self._lateness
        delay = deadline - loop.time()
        if delay <= 0 or self._closing or self.backlogged:
            return
        filled = self._filled = loop.create_future()
        timer = loop.call_later(delay, self._hurry)
        try:
            await filled
        finally:
            timer.cancel()
            self._filled = None
        late = min(max(loop.time() - deadline, 0.0), LINGER_SECONDS)
        self._lateness = 0.8 * self._lateness + 0.2 * late

    def _hurry(self) -> None:
        """Write the open batch as soon as the writer is free."""
        if self._filled is not None and not self._filled.done():
            self._filled.set_result(None)

    def _measure(self, rows: int, seconds: float) -> None:
        """Learn the cost per row from batches big enough for it to dominate the commit's fixed cost."""
        if rows < MIN_FULL_ROWS:
            return
        if rows >= self.full_rows:
            self._overshoot = 0.8 * self._overshoot + 0.2 * (rows - self.full_rows)
        self._row_seconds = 0.8 * self._row_seconds + 0.2 * (seconds / rows)
        budget_rows = FLUSH_BUDGET_SECONDS / self._row_seconds - self._overshoot
        self.full_rows = max(MIN_FULL_ROWS, min(MAX_FULL_ROWS, int(budget_rows)))
