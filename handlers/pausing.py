"""The core's units of work in flight, and a pause that holds new ones back while the core is rebuilt
(a new community configuration applied without a restart, `handlers.install.reconfigure`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from types import TracebackType


class UnitsInFlight:
    """Entry points enter it (`async with units:`) around each unit of work; `paused()` waits until none
    is running and holds new ones back until it ends. A unit started from inside another (a due job that
    runs a command) is part of the outer one, never waits for a pause (it would wait for itself).

    A class of its own rather than an `asynccontextmanager`: every chat message enters it, and a
    generator-based manager costs several times more per use."""

    def __init__(self) -> None:
        self._running = 0
        self._open = asyncio.Event()
        self._open.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._depth: ContextVar[int] = ContextVar(f"unit_depth_{id(self)}", default=0)

    @property
    def running(self) -> int:
        return self._running

    def enter(self) -> bool:
        """Enter without waiting if no pause holds units back (False: enter with `async with` instead).
        The chat path's way in: no coroutine for the usual case."""
        depth = self._depth.get()
        if depth == 0:
            if not self._open.is_set():
                return False
            self._running += 1
            self._idle.clear()
        self._depth.set(depth + 1)
        return True

    def leave(self) -> None:
        """End a unit entered with `enter` (in the task that entered it)."""
        depth = self._depth.get() - 1
        self._depth.set(depth)
        if depth == 0:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def __aenter__(self) -> None:
        while not self.enter():
            await self._open.wait()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        # Entered and left in the same task (an `async with` block): the depth read here is this unit's.
        self.leave()

    @asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        """Wait for the units in flight to end; none starts until the block ends (one pause at a time)."""
        if self._depth.get():
            raise RuntimeError("a unit of work cannot pause the core: it would wait for itself")
        while not self._open.is_set():  # another pause: wait for it to end first
            await self._open.wait()
        self._open.clear()
        try:
            await self._idle.wait()
            yield
        finally:
            self._open.set()
