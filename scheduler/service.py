"""APScheduler wiring around the core's timer table.

The jobs themselves live in the database (the core's JobRepository), so they survive restarts and
overdue ones run at once on start. APScheduler only wakes us up: one interval job polls for due work.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from handlers.core import Core

log = logging.getLogger(__name__)


class SettableClock(Protocol):
    def now(self) -> datetime: ...
    def set(self, moment: datetime) -> None: ...


class SchedulerService:
    def __init__(self, core: Core, poll_seconds: float = 5.0) -> None:
        self.core = core
        self.poll_seconds = poll_seconds
        self._lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None

    async def start(self) -> None:
        """Run what became due while we were down, then poll."""
        await self.run_due()
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self.run_due,
            IntervalTrigger(seconds=self.poll_seconds),
            id="communitybot-run-due-jobs",
            coalesce=True,
            max_instances=1,
            # APScheduler's default grace of 1 s silently drops a late tick; a late tick is still wanted.
            misfire_grace_time=None,
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started (polling every %.0f s)", self.poll_seconds)

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        async with self._lock:  # let a running batch finish
            pass
        log.info("scheduler stopped")

    async def run_due(self) -> int:
        """Due jobs, then messages whose retry time has come."""
        async with self._lock:
            ran = await self.core.run_due_jobs()
        await self.core.dispatcher.run_due()
        return ran

    async def advance_to(self, clock: SettableClock, target: datetime) -> int:
        """Move a simulated clock to `target`, running each due job at its own time, in order."""
        ran = 0
        async with self._lock:
            ran += await self.core.run_due_jobs()
            while True:
                next_at = await self.core.services.jobs.next_run_at()
                if next_at is None or next_at > target:
                    break
                if next_at > clock.now():
                    clock.set(next_at)
                ran += await self.core.run_due_jobs()
            if target > clock.now():
                clock.set(target)
            ran += await self.core.run_due_jobs()
        return ran
