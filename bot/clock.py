"""Clocks the core reads: the real one, and the console's simulated one that can be moved forward."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """Runs at real speed from a starting point and jumps forward on `set` (never backwards)."""

    def __init__(self, start: datetime, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._base = start
        self._mark = monotonic()

    def now(self) -> datetime:
        return self._base + timedelta(seconds=self._monotonic() - self._mark)

    def set(self, moment: datetime) -> None:
        if moment < self.now():
            raise ValueError("the community's time never runs backwards")
        self._base = moment
        self._mark = self._monotonic()
