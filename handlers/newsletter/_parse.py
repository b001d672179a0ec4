"""`ANNOUNCE <when> <text> [| whatsapp]` read into an announcement: a local date-time in the community's
zone, a duration from now, or `every "<cron>"` (a crontab expression, checked field by field so that a
mistake is named where it is)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.durations import parse_duration
from handlers.newsletter._errors import (
    ANNOUNCE_USAGE,
    BadCronField,
    BadWhen,
    CronFieldCount,
    CronNeverFires,
    EmptyText,
    NoRecurrence,
    TextTooLong,
    TimePassed,
    TooFar,
)
from handlers.newsletter._state import MAX_TEXT
from handlers.recurrence import Recurrence

LONGEST = timedelta(days=366)
_WHATSAPP = re.compile(r"\s*\|\s*whatsapp\s*$", re.IGNORECASE)
_AT = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[ T]([0-9]{1,2})[:h]([0-9]{2})(?:\s+|$)")
_EVERY = re.compile(r"^(?:every|chaque|ogni)\s+[\"“”«»']\s*([^\"“”«»']*?)\s*[\"“”«»']\s*", re.IGNORECASE)
_FIRST = re.compile(r"^(\S+)\s*")


@dataclass(frozen=True)
class When:
    at: datetime
    """The (first) time, in UTC."""
    cron: str | None
    text: str
    whatsapp: bool


def read(given: str, now: datetime, tz: ZoneInfo, recurrence: Recurrence | None) -> When:
    source = given.strip()
    whatsapp = bool(_WHATSAPP.search(source))
    source = _WHATSAPP.sub("", source)
    if not source:
        raise EmptyText(ANNOUNCE_USAGE)
    cron: str | None = None
    if every := _EVERY.match(source):
        cron = " ".join(every[1].split())
        at = first_time(cron, now, tz, recurrence)
        rest = source[every.end() :]
    elif found := _AT.match(source):
        try:
            local = datetime.fromisoformat(found[1]).replace(hour=int(found[2]), minute=int(found[3]))
        except ValueError:
            raise BadWhen(found[0].strip()) from None
        at = local.replace(tzinfo=tz).astimezone(now.tzinfo)
        rest = source[found.end() :]
    else:
        first = _FIRST.match(source)
        assert first is not None  # the source is not empty
        duration = parse_duration(first[1])
        if duration is None:
            raise BadWhen(first[1])
        at = now + duration
        rest = source[first.end() :]
    text = rest.strip()
    if not text:
        raise EmptyText(ANNOUNCE_USAGE)
    if len(text) > MAX_TEXT:
        raise TextTooLong(MAX_TEXT)
    if at <= now:
        raise TimePassed(at.astimezone(tz))
    if at - now > LONGEST:
        raise TooFar(LONGEST.days)
    return When(at, cron, text, whatsapp)


def check_cron(cron: str, recurrence: Recurrence) -> None:
    """A crontab expression of five fields, each valid: refused naming the first wrong field."""
    fields = cron.split()
    if len(fields) != 5:
        raise CronFieldCount(cron, len(fields))
    for position, value in enumerate(fields):
        probe = ["*"] * 5
        probe[position] = value
        if recurrence.problem(" ".join(probe)) is not None:
            raise BadCronField(cron, position + 1, value)
    if recurrence.problem(cron) is not None:  # each field alone is fine, together they are not
        raise BadCronField(cron, 3, fields[2])


def first_time(cron: str, now: datetime, tz: ZoneInfo, recurrence: Recurrence | None) -> datetime:
    if recurrence is None:
        raise NoRecurrence()
    check_cron(cron, recurrence)
    fire = recurrence.next_after(cron, tz, now)
    if fire is None:
        raise CronNeverFires(cron)
    return fire
