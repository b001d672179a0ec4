"""The event loop: uvloop where it is installed (Linux and macOS), asyncio's own elsewhere."""

from __future__ import annotations

import asyncio
import sys

try:
    import uvloop
except ImportError:  # Windows, or a minimal install
    uvloop = None

GIL_SWITCH_SECONDS = 0.0005
"""The ledger's group commit waits for the disk on a worker thread, which then needs the GIL back for
each step of the commit. With Python's default 5 ms interval a busy loop thread keeps it that long each
time, which made a durable commit take 20-60 ms under load; at 0.5 ms it takes about 7 ms."""


def new_event_loop() -> asyncio.AbstractEventLoop:
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


def tune_threads() -> None:
    sys.setswitchinterval(GIL_SWITCH_SECONDS)


def run(coroutine):
    tune_threads()
    with asyncio.Runner(loop_factory=new_event_loop) as runner:
        return runner.run(coroutine)
