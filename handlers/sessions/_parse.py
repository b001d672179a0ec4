"""SESSION NEW's one-line form, read into values (computing a session apart from storing it).

`"Ask the founder" 2026-12-10 18:00 1h | https://meet.example/abc | 20 | level Regular | points 10`: the
title (in quotes, or the words before the start), the start (a local date and time in the community's zone,
or a duration from now) and the length; then, after `|`, the link or place, the number of places, and
settings in any order (`#channel`, `level <name>`, `min <points>`, `points <n>` for attending, `code <word>`,
`whatsapp`), their words in any of the three languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.deadlines import DeadlinePassed, DeadlineTooFar, parse_deadline
from handlers.durations import parse_duration
from handlers.keys import is_channel_key
from handlers.sessions._errors import (
    BadCapacity,
    BadLength,
    BadOption,
    BadSession,
    BadStart,
    PlaceTooLong,
    StartPassed,
    StartTooFar,
    TitleTooLong,
)
from handlers.sessions._settings import MAX_AHEAD, MAX_CAPACITY
from handlers.text import clean

MAX_TITLE = 100
MAX_PLACE = 300
SHORTEST, LONGEST = timedelta(minutes=5), timedelta(hours=24)

LEVEL = frozenset({"level", "niveau", "livello"})
MINIMUM = frozenset({"min", "minimum", "minimo"})
POINTS = frozenset({"points", "credits", "crédits", "punti", "crediti"})
CODE = frozenset({"code", "mot", "parola", "codice"})
WHATSAPP = frozenset({"whatsapp"})
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_TIME = re.compile(r"^[0-9]{1,2}[:h][0-9]{2}$")
_CODE_WORD = re.compile(r"^[A-Za-z0-9]{3,20}$")
_QUOTED = re.compile(r'^\s*["“«]\s*(?P<title>[^"”»]+?)\s*["”»]\s*(?P<rest>.*)$')


@dataclass
class Described:
    """SESSION NEW's parts, read; the level is checked against the community by the command."""

    title: str
    start: datetime
    length: timedelta
    place: str
    capacity: int
    channel: str | None = None
    level: str | None = None
    min_points: int | None = None
    points: int | None = None
    code: str | None = None
    announce: bool | None = None


def parse_start(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A duration from now (`3d`) or a local date and time (`2026-12-10 18:00`); a day alone is no start."""
    given = text.strip()
    if _DATE.match(given):
        raise BadStart(given)
    try:
        start = parse_deadline(given, now, tz, MAX_AHEAD)
    except DeadlinePassed:
        raise StartPassed() from None
    except DeadlineTooFar:
        raise StartTooFar(MAX_AHEAD.days) from None
    if start is None:
        raise BadStart(given)
    return start


def _head(head: str) -> tuple[str, str, str]:
    """The title, the start as written and the length as written."""
    quoted = _QUOTED.match(head)
    title, rest = (quoted["title"], quoted["rest"].split()) if quoted else ("", head.split())
    if len(rest) < 2 or (not quoted and len(rest) < 3):
        raise BadSession()
    length = rest[-1]
    took = 3 if len(rest) >= 3 and _DATE.match(rest[-3]) and _TIME.match(rest[-2]) else 2
    start = " ".join(rest[-took:-1])
    if quoted:
        if len(rest) != took:
            raise BadSession()
    else:
        title = " ".join(rest[:-took])
    if not title:
        raise BadSession()
    return title.strip(), start, length


def _capacity(text: str) -> int:
    if not re.fullmatch(r"[-+]?[0-9]{1,9}", text):
        raise BadCapacity(MAX_CAPACITY)
    capacity = int(text)
    if not 1 <= capacity <= MAX_CAPACITY:
        raise BadCapacity(MAX_CAPACITY)
    return capacity


def _option(described: Described, part: str) -> None:
    words = part.split()
    first, rest = words[0].lower(), words[1:]
    number = int(rest[0]) if rest and rest[0].isdigit() and len(rest[0]) <= 6 else None
    if part.startswith("#") and len(words) == 1 and is_channel_key(part[1:].lower()):
        described.channel = part[1:].lower()
    elif first in LEVEL and rest:
        described.level = " ".join(rest)
    elif first in MINIMUM and number is not None and (len(rest) == 1 or rest[1].lower() in POINTS):
        described.min_points = number
    elif first in POINTS and number is not None and len(rest) == 1:
        described.points = number
    elif first in CODE and len(rest) == 1 and _CODE_WORD.match(rest[0]):
        described.code = rest[0].upper()
    elif first in WHATSAPP and not rest:
        described.announce = True
    else:
        raise BadOption(part)


def describe(text: str, now: datetime, tz: ZoneInfo) -> Described:
    """SESSION NEW's text read; one clear refusal when it does not fit."""
    parts = [clean(p).strip() for p in text.split("|")]
    if len(parts) < 3 or not parts[1]:
        raise BadSession()
    title, start_text, length_text = _head(parts[0])
    if len(title) > MAX_TITLE:
        raise TitleTooLong(MAX_TITLE)
    start = parse_start(start_text, now, tz)
    length = parse_duration(length_text)
    if length is None or not SHORTEST <= length <= LONGEST:
        raise BadLength(length_text)
    place = parts[1]
    if len(place) > MAX_PLACE:
        raise PlaceTooLong(MAX_PLACE)
    capacity = _capacity(parts[2])
    described = Described(title, start, length, place, capacity)
    for part in parts[3:]:
        if part:
            _option(described, part)
    return described
