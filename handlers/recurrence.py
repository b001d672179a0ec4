"""The recurrence port: when a cron expression next fires, in a time zone.

The core may not import a scheduler library (`handlers` depends on the standard library and pydantic
only), so the composition root gives it one: APScheduler's CronTrigger (scheduler/cron.py), which handles
daylight-saving gaps and repeats."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Recurrence(Protocol):
    def problem(self, cron: str) -> str | None:
        """Why `cron` is not a crontab expression (five fields), or None when it is."""
        ...

    def next_after(self, cron: str, tz: ZoneInfo, after: datetime) -> datetime | None:
        """The first moment after `after` that `cron` names in `tz` (in UTC); None if it never fires."""
        ...
