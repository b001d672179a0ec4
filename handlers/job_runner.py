"""Runs due jobs from the timer table, each in its own transaction, by its kind's catch-up rule
(handlers/timers.py); what a job sends goes out once that transaction has committed."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.delivery import Queued
from handlers.dispatch import Dispatcher
from handlers.i18n import Translator
from handlers.ports import Job
from handlers.recurrence import Recurrence
from handlers.services import Services
from handlers.timers import MAX_CATCH_UP, BoundJob, CatchUp, Upcoming, occurrence, series_key

log = logging.getLogger(__name__)

JOB_BATCH = 100
JOB_RETRY_AFTER = timedelta(minutes=5)
JOB_MAX_ATTEMPTS = 5


class JobRunner:
    """The core's scheduled work, and the Timetable that `SCHEDULE` reads."""

    def __init__(
        self,
        services: Services,
        dispatcher: Dispatcher,
        kinds: Mapping[str, BoundJob],
        recurrence: Recurrence | None,
        settle: Callable[[], Awaitable[None]],
        committed: Callable[[Context], None],
        context: Callable[[], Context],
    ) -> None:
        self.services = services
        self.dispatcher = dispatcher
        self.kinds = kinds
        self.recurrence = recurrence
        self._settle = settle
        self._committed = committed
        self._context = context

    async def run_due(self) -> int:
        """Every job due now, oldest first; returns how many were handled (run, skipped or failed)."""
        done = 0
        while True:
            jobs = await self.services.jobs.due(self.services.clock.now(), JOB_BATCH)
            if not jobs:
                return done
            for job in jobs:
                await self._run(job)
                done += 1

    async def upcoming(self, t: Translator, limit: int) -> list[Upcoming]:
        found: list[Upcoming] = []
        for job in await self.services.jobs.upcoming(limit * 4):
            kind = self.kinds.get(job.kind)
            if kind is None or kind.describe is None:
                continue
            line = await kind.describe(t, job.payload)
            if line is not None:
                found.append(Upcoming(job.run_at, job.kind, line))
            if len(found) == limit:
                break
        return found

    async def _run(self, job: Job) -> None:
        kind = self.kinds.get(job.kind)
        await self._settle()
        ctx = self._context()
        late = kind is not None and ctx.now - job.run_at > kind.grace
        if kind is not None and kind.catch_up is CatchUp.SKIP and late:
            log.warning("job %s (%s) was due at %s: missed, not run", job.id, job.kind, job.run_at)
            async with self.services.transactions.transaction():
                await self.services.jobs.miss(job.id, ctx.now)
            return
        payload = job.payload
        try:
            async with self.services.transactions.transaction():
                if kind is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                if kind.catch_up is CatchUp.LATEST:
                    payload, late = await self._latest(job, ctx.now, kind.grace)
                await kind.run(ctx, payload)
                await self.services.jobs.finish(job.id, ctx.now, late)
                written = await self.services.outbox.add(ctx.outbox, ctx.now)
        except Exception as error:
            ctx.rolled_back()
            log.exception("job %s (%s) failed", job.id, job.kind)
            await self._failed(job, kind, error, ctx.now)
            return
        if late:
            log.info("job %s (%s) ran late (due %s)", job.id, job.kind, job.run_at)
        self._committed(ctx)
        await self._sent(written, ctx)

    async def _latest(self, job: Job, now: datetime, grace: timedelta) -> tuple[dict[str, object], bool]:
        """The latest occurrence of a recurring job that is due, the next one planned after now; the
        occurrences stepped over are recorded as missed (a count in the payload and the log)."""
        if self.recurrence is None:
            raise LookupError("recurring work needs the scheduler's recurrence (none was given)")
        seen = occurrence(job.payload)
        zone = ZoneInfo(seen.zone)
        latest, missed = seen.fire, 0
        following = self.recurrence.next_after(seen.cron, zone, latest)
        while following is not None and following <= now and missed < MAX_CATCH_UP:
            latest, missed = following, missed + 1
            following = self.recurrence.next_after(seen.cron, zone, latest)
        if missed:
            log.warning("job %s (%s): %d occurrences missed, the latest runs", job.id, job.kind, missed)
        await self._plan(job, seen.series, following)
        following_at = None if following is None else following.isoformat()
        ran = {**job.payload, "fire": latest.isoformat(), "missed": missed, "next": following_at}
        return ran, now - latest > grace

    async def _plan(self, job: Job, series: str, fire: datetime | None) -> None:
        """The series' next occurrence (none when the cron never fires again)."""
        if fire is not None:
            after = {**job.payload, "fire": fire.isoformat()}
            await self.services.jobs.schedule(job.kind, fire, after, series_key(series, fire))

    async def _failed(self, job: Job, kind: BoundJob | None, error: Exception, now: datetime) -> None:
        retry = job.attempts + 1 < JOB_MAX_ATTEMPTS and kind is not None
        async with self.services.transactions.transaction():
            await self.services.jobs.fail(
                job.id,
                f"{type(error).__name__}: {error}"[:500],
                now + JOB_RETRY_AFTER * (2**job.attempts) if retry else None,
                now,
            )
            if not retry and kind is not None and kind.catch_up is CatchUp.LATEST and self.recurrence:
                # Given up on this occurrence: the series still goes on.
                seen = occurrence(job.payload)
                following = self.recurrence.next_after(seen.cron, ZoneInfo(seen.zone), max(now, seen.fire))
                await self._plan(job, seen.series, following)

    async def _sent(self, written: Sequence[Queued], ctx: Context) -> None:
        await self.dispatcher.dispatch(written)
        await self.dispatcher.update_roles(ctx.role_updates)
