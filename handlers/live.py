"""Live posts kept up to date at a bounded rate: however many votes arrive, a post is edited at most once
per interval, each time with what is true at that moment (the last change wins; none is lost)."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable

from handlers.models import Reply
from handlers.ports import PostEditor

log = logging.getLogger(__name__)

Make = Callable[[], Awaitable[Reply]]
"""Reads the current state and makes the post's text: called when the edit is due, not when asked."""


class LivePosts:
    def __init__(self, editor: PostEditor | None, interval: float) -> None:
        self.editor = editor
        self.interval = interval
        self._waiting: dict[str, Make] = {}
        """Boards with an edit to make, and how to make it (the latest request's)."""
        self._last: dict[str, float] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self.edits = 0
        """Edits handed to the platforms since start (the benchmark reports the rate)."""

    def changed(self, board: str, make: Make) -> None:
        """The post under `board` is out of date: edit it soon, once for all changes until then."""
        if self.editor is None:
            return
        self._waiting[board] = make
        if board not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._edit(board), context=contextvars.Context())
            self._tasks[board] = task

    async def settle(self) -> None:
        """Wait until every edit asked for so far was made (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _edit(self, board: str) -> None:
        assert self.editor is not None
        try:
            while board in self._waiting:
                wait = self._last.get(board, float("-inf")) + self.interval - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                make = self._waiting.pop(board)
                self._last[board] = time.monotonic()
                try:
                    await self.editor.edit_post(board, await make())
                    self.edits += 1
                except Exception:  # the next change tries again; the post is only a view of the data
                    log.exception("could not update the live post %s", board)
        finally:
            del self._tasks[board]
