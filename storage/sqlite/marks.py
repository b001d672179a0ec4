"""Progress marks written together: marks that callers make at about the same time share one marks
transaction (`Database.run_transaction(marks=True)`), as the dispatcher settles its rows together.

The WhatsApp sender records every part it sent as soon as Twilio took it, and it sends to many members at
once. One transaction per record cost a BEGIN, a COMMIT and the PRAGMAs around them each, and, since a
marks transaction commits the open batch of commands first, cut that batch short every time. If the
shared transaction fails, each mark is written alone, so that a bad one fails only its own caller.

Not the chat ledger's GroupCommitWriter: that one lingers up to 12 ms for a fuller batch and sizes batches
for tens of thousands of rows a second, where a sender waiting on its record should wait for no more than
the marks already in flight, and a failed record must not fail the others."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable, Callable

from storage.sql import Database

Work = Callable[[], Awaitable[None]]


class Marks:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._pending: list[tuple[Work, asyncio.Future[None]]] = []

    async def write(self, work: Work) -> None:
        """Run `work` (statements through the database) in a marks transaction; return once it committed,
        or raise what made it fail."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        self._pending.append((work, done))
        if len(self._pending) == 1:  # the first of a group: the marks made before the loop comes back join
            loop.call_soon(self._start)
        await asyncio.shield(done)  # a caller that gives up waiting does not take its mark back

    def _start(self) -> None:
        # A context of its own: the caller's (inside a unit, or not) must not be the flush's.
        asyncio.get_running_loop().create_task(self._flush(), context=contextvars.Context())

    async def _flush(self) -> None:
        pending, self._pending = self._pending, []
        try:
            await self._write(pending)
        except BaseException as dying:  # the process is going down: so are the callers waiting here
            for _, done in pending:
                _fail(done, dying)
            raise

    async def _write(self, pending: list[tuple[Work, asyncio.Future[None]]]) -> None:
        async def together() -> None:
            for work, _ in pending:
                await work()

        try:
            await self.db.run_transaction(together, marks=True)
        except Exception as error:
            if len(pending) == 1:
                _fail(pending[0][1], error)
                return
            for work, done in pending:  # one by one: only the bad mark fails
                try:
                    await self.db.run_transaction(work, marks=True)
                except Exception as alone:
                    _fail(done, alone)
                else:
                    done.set_result(None)
            return
        for _, done in pending:
            done.set_result(None)


def _fail(done: asyncio.Future[None], error: BaseException) -> None:
    if done.done():
        return
    if isinstance(error, asyncio.CancelledError):
        done.cancel()
        return
    done.set_exception(error)
    done.exception()  # retrieved: the caller sees it through its own await, or gave up waiting
