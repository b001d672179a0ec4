"""Crontab expressions through APScheduler's CronTrigger: the core's Recurrence port.

The fire times are APScheduler's (daylight-saving gaps and repeats included); three things are put right
around it, because a community file's `0 9 * * 1` must mean what crontab means:
- weekday numbers: APScheduler 3 counts 0 as Monday where crontab counts 0 (and 7) as Sunday (its
  `from_crontab` warns about this "historical mistake", kept for compatibility); the weekday field is
  written as names before APScheduler reads it;
- a day of month and a weekday both given fire on either (crontab) rather than on both (APScheduler);
- a wall-clock time that happens twice when clocks fall back fires once, as cron does.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger

FIELDS = ("minute", "hour", "day of month", "month", "day of week")
_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_ITEM = re.compile(r"^(\*|[0-7]|[a-z]{3})(?:-([0-7]|[a-z]{3}))?(?:/([1-9][0-9]*))?$")


class CronRecurrence:
    def problem(self, cron: str) -> str | None:
        fields = cron.split()
        if len(fields) != 5:
            return (
                f"{cron!r} is not a crontab expression: it has {len(fields)} fields where five are needed"
                " (minute hour day-of-month month day-of-week, such as '0 9 * * 1' for Mondays at 09:00)"
            )
        for position, (name, value) in enumerate(zip(FIELDS, fields, strict=True), 1):
            why = _field_problem(position, value)
            if why is not None:
                return f"{cron!r} is not a crontab expression: field {position} ({name}) {value!r}: {why}"
        return None

    def next_after(self, cron: str, tz: ZoneInfo, after: datetime) -> datetime | None:
        trigger = _trigger(cron, tz)
        local_after = after.astimezone(tz).replace(tzinfo=None)
        # The trigger answers the first fire time at or after `now`: a microsecond past makes it strictly
        # after (a fire time is whole seconds).
        query, step = after + timedelta(microseconds=1), timedelta(seconds=1)
        for _ in range(64):
            found = trigger.get_next_fire_time(None, query)
            if found is None:
                return None
            if found < query:  # inside a repeated hour APScheduler answers the past: look a little later
                query, step = query + step, step * 2
                continue
            if found.astimezone(tz).replace(tzinfo=None) == local_after:
                query = found + timedelta(microseconds=1)  # the same wall-clock time again: once only
                continue
            return found.astimezone(UTC)
        return None


def _trigger(cron: str, tz: ZoneInfo) -> BaseTrigger:
    minute, hour, day, month, weekday = cron.split()
    if day != "*" and weekday != "*":  # crontab: either matches
        return OrTrigger(
            [
                CronTrigger(minute=minute, hour=hour, day=day, month=month, timezone=tz),
                CronTrigger(minute=minute, hour=hour, month=month, day_of_week=_names(weekday), timezone=tz),
            ]
        )
    return CronTrigger(
        minute=minute, hour=hour, day=day, month=month, day_of_week=_names(weekday), timezone=tz
    )


def _field_problem(position: int, value: str) -> str | None:
    try:
        if position == 5:
            CronTrigger(day_of_week=_names(value), timezone=UTC)
        else:
            CronTrigger(**{("minute", "hour", "day", "month")[position - 1]: value}, timezone=UTC)
    except ValueError as error:
        return str(error)
    return None


def _names(weekday: str) -> str:
    """Crontab's weekday field as APScheduler's weekday names (`1-5` → `mon,tue,wed,thu,fri`)."""
    if weekday == "*":
        return "*"
    days: set[int] = set()
    for item in weekday.lower().split(","):
        found = _ITEM.match(item)
        if found is None:
            raise ValueError(f"{item!r} is not a weekday, a range or a step (0-7 or sun-sat, 1-5, */2)")
        first, last, step = found.groups()
        if first == "*":
            low, high = 0, 6
        else:
            low = _day(first)
            high = 6 if last is None and step else low  # `1/2`: from Monday on, every other day
            if last is not None:
                high = _day(last)
                if high == 0 and low > 0:
                    high = 7  # `5-7`, `fri-sun`: through Sunday
        if high < low:
            raise ValueError(f"{item!r} runs backwards")
        days.update(day % 7 for day in range(low, high + 1, int(step or 1)))
    return ",".join(_WEEKDAYS[day] for day in sorted(days))


def _day(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token not in _WEEKDAYS:
        raise ValueError(f"{token!r} is not a weekday (sun, mon, tue, wed, thu, fri, sat)")
    return _WEEKDAYS.index(token)
