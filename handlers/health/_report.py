"""What the health feature offers the rest of the bot under HEALTH_REPORT (handlers.kpis): the periods
STATS shows, the days, and the roll-up on demand."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.health._rollup import catch_up, roll_up
from handlers.health._segments import local_day_bounds
from handlers.health._state import Health
from handlers.kpis import SPANS, KpiDay, Periods, period, spans, with_waits


class Reports:
    def __init__(self, health: Health) -> None:
        self.health = health

    async def periods(self, name: str, now: datetime) -> Periods | None:
        health = self.health
        until = now.astimezone(health.tz).date() - timedelta(days=1)
        (since, _), (before_since, before_until) = spans(until, SPANS[name])
        rows = await health.repo.days(before_since - timedelta(days=1), until)
        if not rows:
            return None
        by_day = {row.day: row for row in rows}
        this = [row for row in rows if row.day >= since]
        earlier = [row for row in rows if before_since <= row.day <= before_until]
        current = period(this, since, until, by_day.get(since - timedelta(days=1)))
        start, _ = local_day_bounds(since, health.tz)
        _, end = local_day_bounds(until, health.tz)
        current = with_waits(current, await health.repo.first_message_waits(start, end))
        before = period(earlier, before_since, before_until, by_day.get(before_since - timedelta(days=1)))
        return Periods(name, current, before)

    async def days(self, since: date, until: date) -> list[KpiDay]:
        return await self.health.repo.days(since, until)

    async def roll_up(self, day: date) -> None:
        await self.health.counter.flush()
        await roll_up(self.health, day, latest=False)

    async def catch_up(self) -> int:
        return await catch_up(self.health)
