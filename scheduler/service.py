"""APScheduler wiring around the core's timer table, and the lease that lets one process run it.

The jobs themselves live in the database (the core's JobRepository), so they survive restarts and
overdue ones run at once on start, by their kind's catch-up rule. APScheduler only wakes us up: one
interval job renews the lease and runs what is due, and a one-off wake-up at the next job's time when that
comes before the next tick (a reminder is sent at its minute, not up to a poll interval late).

Exactly one process runs scheduled work against a database (two bots on one token are the classic cause of
reminders sent twice): the one that holds the lease in the database and renews it. It also does the
"leading work" the composition root hands to `lead`: handling traffic (the WhatsApp intake, the Discord
connection) and sending, because the members' in-memory state (cooldowns, caps, budgets, boards) is one
process's. Another `communitybot run` on the same database is a standby: it stores webhooks and serves the
web pages, says so, and takes over once the lease is released (a clean stop) or has expired (its holder
died); the leading work's start hooks run before anything else it does as the leader.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from handlers.core import Core
from handlers.ports import LeaseHolder

log = logging.getLogger(__name__)

LEASE_FOR = timedelta(seconds=30)
"""How long a lease lasts without renewal: a process that died is taken over after at most this."""


class SettableClock(Protocol):
    def now(self) -> datetime: ...
    def set(self, moment: datetime) -> None: ...


Work = Callable[[], Awaitable[None]]


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class SchedulerService:
    def __init__(
        self,
        core: Core,
        poll_seconds: float = 5.0,
        lease_for: timedelta = LEASE_FOR,
        wall_clock: Callable[[], datetime] = _wall_clock,
        standby_level: int = logging.INFO,
    ) -> None:
        self.core = core
        self.standby_level = standby_level
        """How loud the start says it is a standby: a designed state for `run`, a surprise on the console."""
        self.poll_seconds = poll_seconds
        self.lease_for = lease_for
        # The lease runs on real time even when the community's clock is simulated (the console).
        self.wall_clock = wall_clock
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading = False
        self.other: LeaseHolder | None = None
        """Who runs scheduled work when this process does not."""
        self._lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self._leading_work: list[tuple[Work, Work]] = []

    def lead(self, start: Work, stop: Work) -> None:
        """Work that only the lease holder does besides the jobs (the WhatsApp outbox's sender): started
        when this process takes the lease, stopped if it loses it."""
        self._leading_work.append((start, stop))

    async def start(self) -> None:
        """Take the lease (or say who has it), run what became due while we were down, then poll."""
        await self.tick()
        if not self.leading:
            log.log(self.standby_level, "%s", self.refusal())
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=min(self.poll_seconds, self.lease_for.total_seconds() / 3)),
            id="communitybot-run-due-jobs",
            coalesce=True,
            max_instances=1,
            # APScheduler's default grace of 1 s silently drops a late tick; a late tick is still wanted.
            misfire_grace_time=None,
        )
        scheduler.start()
        self._scheduler = scheduler
        if self.leading:
            await self._wake_for_next()
        log.info("scheduler started (polling every %.0f s)", self.poll_seconds)

    def refusal(self) -> str:
        other = self.other
        who = "another process"
        if other is not None:
            who = f"{other.holder} (since {other.since:%Y-%m-%d %H:%M} UTC)"
        return (
            f"scheduled work is not run by this process: {who} runs it on this database and handles the"
            " traffic; this process is a standby and takes over when that one stops or dies"
        )

    async def stop(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        async with self._lock:  # let a running batch finish
            if self.leading:
                await self._stop_leading()
                await self.core.services.lease.release(self.holder)
                self.leading = False
        log.info("scheduler stopped")

    async def tick(self) -> int:
        """Renew (or try to take) the lease; when held, run what is due, then set the next wake-up."""
        if not await self.claim():
            return 0
        ran = await self.run_due()
        await self._wake_for_next()
        return ran

    async def _wake_for_next(self) -> None:
        if self._scheduler is None:
            return
        next_at = await self.core.services.jobs.next_run_at()
        if next_at is None:
            return
        # On the core's clock (it may run ahead of the wall clock in a benchmark), turned into a delay.
        delay = (next_at - self.core.services.clock.now()).total_seconds()
        if delay >= self.poll_seconds:
            return  # the interval tick comes first
        self._scheduler.add_job(
            self.tick,
            DateTrigger(run_date=self.wall_clock() + timedelta(seconds=max(delay, 0))),
            id="communitybot-next-due",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def claim(self) -> bool:
        """True while this process holds the lease; the first time, it recovers what the last holder left
        half-sent in the outbox."""
        lease, now = self.core.services.lease, self.wall_clock()
        other = await lease.acquire(self.holder, now, self.lease_for)
        if other is not None and _died(other.holder):
            # Killed on this machine (kill -9, a crash): no need to wait for its lease to run out.
            log.warning("the scheduler lease's holder %s is no longer running: taking over", other.holder)
            if await lease.take_over(self.holder, other.holder, now, self.lease_for):
                other = None
        if other is not None:
            if self.leading:
                log.error("%s took the scheduler lease: scheduled work stops here", other.holder)
                self.leading = False
                await self._stop_leading()
                log.info("this process is now a standby")
            self.leading, self.other = False, other
            return False
        if not self.leading:
            if self.other is not None:
                log.warning("took over scheduled work from %s", self.other.holder)
            self.leading, self.other = True, None
            try:
                for start, _ in self._leading_work:
                    await start()
                await self.core.resume()
            except BaseException:
                # Not half a leader: what started stops, and the next claim starts it all again.
                self.leading = False
                await self._stop_leading()
                raise
            log.info("this process leads: it runs scheduled work and handles the traffic")
        return True

    async def _stop_leading(self) -> None:
        """The leading work stopped, last started first (traffic stops before what it sends with)."""
        for _, stop in reversed(self._leading_work):
            await stop()

    async def run_due(self) -> int:
        """Due jobs, then messages whose retry time has come."""
        if not self.leading:
            return 0
        async with self._lock:
            ran = await self.core.run_due_jobs()
        await self.core.dispatcher.run_due()
        return ran

    async def advance_to(self, clock: SettableClock, target: datetime) -> int:
        """Move a simulated clock to `target`, running each due job at its own time, in order."""
        if not await self.claim():
            raise SchedulerElsewhere(self.refusal())
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


def _died(holder: str) -> bool:
    """Whether the holder (`host:pid:tag`) ran on this machine and its process is gone."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, under another user
    return False


class SchedulerElsewhere(RuntimeError):
    """Another process runs scheduled work on this database."""
