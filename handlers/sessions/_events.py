"""A session mirrored as the platform's own scheduled event (Discord's), when `[sessions] discord_event` is
on: handed over after the commit that made, moved or cancelled it, in the background, so a slow or refusing
platform never holds a command. Changes to one session go one after another, each with what is true when
it goes (the latest wins; none is lost)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable

from handlers.calendar import CalendarEntry, EventPublisher

log = logging.getLogger(__name__)


class EventMirror:
    def __init__(
        self, publisher: EventPublisher | None, entry: Callable[[int], Awaitable[CalendarEntry | None]]
    ) -> None:
        self.publisher = publisher
        self._entry = entry
        self._waiting: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def changed(self, session_id: int) -> None:
        if self.publisher is None:
            return
        self._waiting.add(session_id)
        if session_id not in self._tasks:
            task = asyncio.get_running_loop().create_task(
                self._run(session_id), context=contextvars.Context()
            )
            self._tasks[session_id] = task

    async def settle(self) -> None:
        """Wait until every change asked for so far was handed over (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _run(self, session_id: int) -> None:
        assert self.publisher is not None
        try:
            while session_id in self._waiting:
                self._waiting.discard(session_id)
                try:
                    entry = await self._entry(session_id)
                    if entry is not None:
                        await self.publisher.publish(entry)
                except Exception:  # the next change tries again; the event is only a copy of the session
                    log.exception("could not publish session %s as a platform event", session_id)
        finally:
            del self._tasks[session_id]
