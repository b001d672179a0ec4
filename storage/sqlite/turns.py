"""The writer's lock: fair, as asyncio.Lock is, with one lane that goes first.

Units of work take the writer in arrival order, except the few that only store what a platform is waiting
to be told was stored (a webhook's message in the intake: Twilio waits for the answer, and gives up at
15 s). Those are one small INSERT each; behind the commands the intake itself is handling (64 members at
once) they waited for dozens of units. Taking the next turn instead, they wait for the unit that holds the
writer and the batch's COMMIT, no more. They cannot starve the others for long: the webhook stores at most
a few hundred at once and answers 503 past that.
"""

from __future__ import annotations

import asyncio
from collections import deque
from types import TracebackType


class TurnLock:
    def __init__(self) -> None:
        self._locked = False
        self._first: deque[asyncio.Future[None]] = deque()
        self._rest: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._locked

    async def acquire(self, first: bool = False) -> None:
        """Wait for the lock; `first`: before everyone waiting without it."""
        if not self._locked and not self._first and not self._rest:
            self._locked = True
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._first if first else self._rest
        queue.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed the lock as it was cancelled: pass it on
            else:
                queue.remove(waiter)
            raise

    def release(self) -> None:
        """Hand the lock to the next waiter (it stays locked), or free it."""
        if not self._locked:
            raise RuntimeError("release of a TurnLock that is not held")
        for queue in (self._first, self._rest):
            while queue:
                waiter = queue.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    return
        self._locked = False

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.release()
