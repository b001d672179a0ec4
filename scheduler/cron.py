"""Cron expressions through APScheduler's CronTrigger: the core's Recurrence port."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger


class CronRecurrence:
    def problem(self, cron: str) -> str | None:
        try:
            CronTrigger.from_crontab(cron, timezone=UTC)
        except ValueError as error:
            return f"{cron!r} is not a crontab expression (minute hour day month weekday): {error}"
        return None

    def next_after(self, cron: str, tz: ZoneInfo, after: datetime) -> datetime | None:
        trigger = CronTrigger.from_crontab(cron, timezone=tz)
        # The trigger answers the first fire time at or after `now`: a microsecond past `after` makes it
        # strictly after (a fire time is whole seconds).
        found = trigger.get_next_fire_time(None, after + timedelta(microseconds=1))
        return None if found is None else found.astimezone(UTC)
