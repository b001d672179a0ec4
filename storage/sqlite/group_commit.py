"""Group commit: many callers' rows written in one transaction, each caller told when they are durable.

An await on aiosqlite costs tens of microseconds and a durable commit costs an fsync, so one
transaction per chat message cannot keep up with a busy community. Callers queue rows and wait; one
writer task drains the queue into a single transaction while the previous one is being committed,
so batches grow with the load and latency stays about one commit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

Row = TypeVar("Row")

MAX_BATCH_ROWS = 5_000


class GroupCommitWriter(Generic[Row]):
    """`flush(rows)` writes and commits one batch and returns, per row, whether it was new."""

    def __init__(self, flush: Callable[[list[Row]], Awaitable[list[bool]]]) -> None:
        self._flush = flush
        self._queue: list[tuple[Sequence[Row], asyncio.Future[list[bool]]]] = []
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._pending = 0
        self._last: asyncio.Future[list[bool]] | None = None

    def submit(self, rows: Sequence[Row]) -> asyncio.Future[list[bool]]:
        """Queue rows; the future says, once they are committed, for each whether it was new."""
        if self._closing:
            raise RuntimeError("the writer is closed")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[bool]] = loop.create_future()
        if not rows:
            future.set_result([])
            return future
        if self._task is None:
            self._task = loop.create_task(self._run(), name="ledger-group-commit")
        self._queue.append((rows, future))
        self._pending += len(rows)
        self._last = future
        self._wakeup.set()
        return future

    async def write(self, rows: Sequence[Row]) -> list[bool]:
        return await self.submit(rows)

    @property
    def backlogged(self) -> bool:
        """More rows wait than one batch holds: producers should wait for their writes (backpressure)."""
        return self._pending > MAX_BATCH_ROWS

    async def settle(self) -> None:
        """Wait until everything submitted so far is committed (or has failed)."""
        last = self._last
        if last is not None and not last.done():
            await asyncio.wait([last])

    async def close(self) -> None:
        """Commit what is queued, then stop."""
        self._closing = True
        if self._task is None:
            return
        self._wakeup.set()
        await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._queue:
                batch = self._take_batch()
                rows = [row for request, _ in batch for row in request]
                self._pending -= len(rows)
                try:
                    new = await self._flush(rows)
                except Exception as error:  # every waiter hears of it; nothing was committed
                    log.exception("group commit of %d rows failed", len(rows))
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(error)
                    continue
                position = 0
                for request, future in batch:
                    mine = new[position : position + len(request)]
                    position += len(request)
                    if not future.done():
                        future.set_result(mine)
            if self._closing:
                return

    def _take_batch(self) -> list[tuple[Sequence[Row], asyncio.Future[list[bool]]]]:
        size = 0
        for index, (rows, _) in enumerate(self._queue):
            size += len(rows)
            if size >= MAX_BATCH_ROWS:
                batch, self._queue = self._queue[: index + 1], self._queue[index + 1 :]
                return batch
        batch, self._queue = self._queue, []
        return batch
