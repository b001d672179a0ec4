"""Where console lines come from: standard input (read in a thread) or a script file."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

MAX_LINE = 64 * 1024


async def stdin_lines(stream: TextIO) -> AsyncIterator[str]:
    """Lines from a blocking stream without blocking the event loop; ends at end of input."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=100)

    def pump() -> None:
        try:
            for line in iter(lambda: stream.readline(MAX_LINE), ""):
                asyncio.run_coroutine_threadsafe(queue.put(line), loop).result()
        except (OSError, ValueError, RuntimeError, UnicodeDecodeError):
            pass  # input closed or undecodable, or the loop has gone: treat as end of input
        finally:
            # Waits for room like every line did: the queue is bounded, and a lost end-of-input marker
            # would leave the console waiting for input that never comes.
            if not loop.is_closed():
                with contextlib.suppress(RuntimeError, concurrent.futures.CancelledError):
                    asyncio.run_coroutine_threadsafe(queue.put(None), loop).result()

    # A daemon thread: a person typing nothing must not keep the process alive at shutdown.
    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    while (line := await queue.get()) is not None:
        yield line


async def script_lines(path: Path) -> AsyncIterator[str]:
    text = await asyncio.to_thread(path.read_text, encoding="utf-8", errors="replace")
    for line in text.splitlines():
        yield line
