"""How persisted jobs behave when they fall due late, and recurring work planned from cron expressions.

Each job kind declares its catch-up rule for work that fell due while the bot was down (or busy):
- `LATE`: run once, recorded as late when it ran more than `grace` after its time (a poll still closes);
- `SKIP`: more than `grace` late, it is not run but recorded as missed (a "1 hour before" reminder after
  the session started is wrong);
- `LATEST`: recurring work; of the occurrences that fell due, only the latest runs (a weekly newsletter
  missed for three weeks is sent once), the others are recorded as missed.

Recurring work is one pending job per coming occurrence, keyed by its series and time, so a restart plans
none twice; the core plans the next occurrence in the same transaction as the run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.i18n import Translator
from handlers.ports import JobRepository
from handlers.recurrence import Recurrence


class CatchUp(Enum):
    LATE = "late"
    SKIP = "skip"
    LATEST = "latest"


ON_TIME = timedelta(minutes=1)
"""Default grace: a job run within a minute of its time is on time."""
MAX_CATCH_UP = 100_000
"""Occurrences stepped over at most when finding the latest (a minutely cron down for two months)."""


@dataclass(frozen=True)
class Occurrence:
    """What a recurring job's payload holds besides the feature's own values."""

    series: str
    cron: str
    zone: str
    fire: datetime
    following: datetime | None = None
    """The occurrence the core planned after this one, when it runs (None: the cron fires no more)."""

    def key(self) -> str:
        return series_key(self.series, self.fire)


def series_key(series: str, fire: datetime) -> str:
    return f"{series}@{fire.isoformat()}"


def occurrence(payload: dict[str, Any]) -> Occurrence:
    following = payload.get("next")
    return Occurrence(
        payload["series"],
        payload["cron"],
        payload["zone"],
        datetime.fromisoformat(payload["fire"]),
        None if following is None else datetime.fromisoformat(following),
    )


async def plan_recurring(
    jobs: JobRepository,
    recurrence: Recurrence,
    kind: str,
    series: str,
    cron: str,
    tz: ZoneInfo,
    after: datetime,
    payload: dict[str, Any] | None = None,
) -> datetime | None:
    """Plan the first occurrence of `cron` after `after` as a job of `kind` (a `LATEST` kind); planned
    again (a restart, a second call) it is kept once. Returns its time, None when the cron never fires."""
    fire = recurrence.next_after(cron, tz, after)
    if fire is None:
        return None
    values = {**(payload or {}), "series": series, "cron": cron, "zone": tz.key, "fire": fire.isoformat()}
    await jobs.schedule(kind, fire, values, series_key(series, fire))
    return fire


@dataclass(frozen=True)
class BoundJob:
    """An installed job kind: its run and describe bound to the feature's state."""

    run: Callable[[Context, dict[str, Any]], Awaitable[None]]
    catch_up: CatchUp = CatchUp.LATE
    grace: timedelta = ON_TIME
    describe: Callable[[Translator, dict[str, Any]], Awaitable[str | None]] | None = None


@dataclass(frozen=True)
class Upcoming:
    """A pending job as `SCHEDULE` shows it."""

    at: datetime
    kind: str
    line: str


class Timetable(Protocol):
    """What is coming, for moderators (`SCHEDULE`)."""

    async def upcoming(self, t: Translator, limit: int) -> list[Upcoming]: ...
