"""Deadlines as moderators write them: `2d`, `36h` from now, or `2026-12-24 18:00` (`2026-12-24`: the end of
that day) in the community's time zone. Polls and unlocks take them alike."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.durations import parse_duration
from handlers.errors import UsageError
from handlers.i18n import Translator
from handlers.stamps import marks, stamp

_DATETIME = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:[ T]([0-9]{1,2})[:h]([0-9]{2}))?$")
_SLACK = timedelta(minutes=1)
"""`32d` is at most 32 days even when the command took a moment to arrive."""


@dataclass(eq=False)
class DeadlinePassed(UsageError):
    def text(self, t: Translator) -> str:
        return t("core.deadline_past")


@dataclass(eq=False)
class DeadlineTooFar(UsageError):
    days: int

    def text(self, t: Translator) -> str:
        return t("core.deadline_too_far", count=self.days)


@functools.lru_cache(maxsize=1024)
def when(t: Translator, moment: datetime, tz: ZoneInfo) -> str:
    """`Tue 3 Dec at 18:00 (Europe/Paris)`: a moment in the community's time zone, named. Kept: a burst of
    votes or pledges says the same deadline thousands of times, and CLDR formatting is slow beside it."""
    return t("core.moment_in_zone", moment=moment.astimezone(tz), zone=tz.key) + stamp(moment)


def rezone(text: str, t: Translator, written_in: ZoneInfo, zone: ZoneInfo) -> str:
    """`text` with each moment written by `when` in `written_in` written again in `zone`: a message
    written once for many (a broadcast) reaches each member with their own time zone."""
    if zone.key == written_in.key:
        return text
    found = marks(text)
    if not found:
        return text
    parts, done = [], 0
    for start, end, moment in found:
        written = t("core.moment_in_zone", moment=moment.astimezone(written_in), zone=written_in.key)
        if text.startswith(written, start - len(written)) and start - len(written) >= done:
            parts += [text[done : start - len(written)], when(t, moment, zone)]
            done = end
    return "".join(parts) + text[done:]


def parse_deadline(text: str, now: datetime, tz: ZoneInfo, longest: timedelta) -> datetime | None:
    """The moment `text` names, or None when it is no deadline; refused when it has passed or is further
    than `longest` from now."""
    duration = parse_duration(text)
    if duration is not None:
        moment = now + duration
    else:
        found = _DATETIME.match(text.strip())
        if found is None:
            return None
        day, hour, minute = found.groups()
        try:
            local = datetime.fromisoformat(day)
            local = (
                local.replace(hour=int(hour), minute=int(minute))
                if hour
                else local.replace(hour=23, minute=59)
            )
        except ValueError:
            return None
        # fold=0: in the hour a clock change repeats, the first of the two moments.
        moment = local.replace(tzinfo=tz).astimezone(now.tzinfo)
    check(moment, now, longest)
    return moment


def check(moment: datetime, now: datetime, longest: timedelta) -> None:
    if moment <= now:
        raise DeadlinePassed()
    if moment - now > longest + _SLACK:
        raise DeadlineTooFar(longest.days)
