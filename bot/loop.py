"""The event loop: uvloop where it is installed (Linux and macOS), asyncio's own elsewhere."""

from __future__ import annotations

import asyncio

try:
    import uvloop
except ImportError:  # Windows, or a minimal install
    uvloop = None


def new_event_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


def run(coroutine):
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(coroutine)
