"""POLL NEW's one-line form and VOTE's picks, read into values (computing a poll apart from storing it).

`"Next flavour?" | Mango | Yuzu | Cherry | 2d | multiple 2 | anonymous | #tasting`: the first part is the
question, then options and settings in any order. A part is a setting when it reads as one (a duration or a
date and time, `#channel`, or a setting word in any of the three languages, with its value); anything else,
or any part in quotes, is an option.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.deadlines import check, parse_deadline
from handlers.durations import parse_duration
from handlers.keys import is_channel_key
from handlers.polls._errors import (
    DuplicateOption,
    NoPick,
    NoQuestion,
    OptionCount,
    OptionTooLong,
    PickOutOfRange,
    QuestionTooLong,
    TooManyPicks,
    TooManyVotes,
    TwoDeadlines,
)
from handlers.polls._settings import MAX_DURATION
from handlers.text import clean

MAX_QUESTION = 300
MAX_OPTION = 55
MIN_OPTIONS, MAX_OPTIONS = 2, 10

# Setting words as members of each language write them.
MULTIPLE = frozenset({"multiple", "multi", "plusieurs", "multipla", "multiplo"})
ANONYMOUS = frozenset({"anonymous", "anonyme", "anonimo", "anonima"})
NAMED = frozenset({"named", "nominatif", "nominativo", "palese"})
HIDDEN = frozenset({"hidden", "caché", "cache", "cachés", "nascosto", "nascosti"})
POINTS = frozenset({"points", "credits", "crédits", "punti", "crediti"})
LEVEL = frozenset({"level", "niveau", "livello"})
SEGMENT = frozenset({"segment", "segmento"})
WHATSAPP = frozenset({"whatsapp"})
_QUOTES = "\"'“”«»‘’"


@dataclass
class Described:
    """POLL NEW's parts, read; checked against the community (levels, segments) by the command."""

    question: str
    options: list[str] = field(default_factory=list)
    deadline: datetime | None = None
    max_picks: int = 1
    multiple: bool = False
    anonymous: bool | None = None
    hidden: bool = False
    channel: str | None = None
    points: int | None = None
    level: str | None = None
    segment: str | None = None
    announce: bool | None = None


def _unquoted(part: str) -> tuple[str, bool]:
    if len(part) >= 2 and part[0] in _QUOTES and part[-1] in _QUOTES:
        return part[1:-1].strip(), True
    return part, False


def later_deadline(text: str, current: datetime, now: datetime, tz: ZoneInfo) -> datetime | None:
    """POLL EXTEND's deadline: `1d` more than the current one, or a later date and time; None when it is
    neither (at most 32 days from now, as any deadline)."""
    duration = parse_duration(text)
    later: datetime | None
    if duration is not None:
        later = current + duration
        check(later, now, MAX_DURATION)
    else:
        later = parse_deadline(text, now, tz, MAX_DURATION)
    return later if later is not None and later > current else None


def _setting(described: Described, part: str, now: datetime, tz: ZoneInfo) -> bool:
    """Apply `part` if it is a setting; False when it is an option."""
    words = part.split()
    first = words[0].lower() if words else ""
    rest = words[1:]
    number = int(rest[0]) if len(rest) == 1 and rest[0].isdigit() and len(rest[0]) <= 4 else None
    if part.startswith("#") and is_channel_key(part[1:].lower()):
        described.channel = part[1:].lower()
    elif first in MULTIPLE and (not rest or number is not None):
        described.multiple = True
        described.max_picks = number if number is not None else 0  # 0: as many as there are options
    elif first in ANONYMOUS and not rest:
        described.anonymous = True
    elif first in NAMED and not rest:
        described.anonymous = False
    elif first in HIDDEN and not rest:
        described.hidden = True
    elif first in WHATSAPP and not rest:
        described.announce = True
    elif first in POINTS and number is not None:
        described.points = number
    elif first in LEVEL and len(rest) >= 1:
        described.level = " ".join(rest)
    elif first in SEGMENT and len(rest) == 1:
        described.segment = rest[0].lower()
    else:
        deadline = parse_deadline(part, now, tz, MAX_DURATION)
        if deadline is None:
            return False
        if described.deadline is not None:
            raise TwoDeadlines()
        described.deadline = deadline
    return True


def describe(text: str, now: datetime, tz: ZoneInfo) -> Described:
    """POLL NEW's text read into a question, options and settings; one clear refusal when it does not fit."""
    parts = [clean(p).strip() for p in text.split("|")]
    question, _ = _unquoted(parts[0]) if parts else ("", False)
    if not question:
        raise NoQuestion()
    if len(question) > MAX_QUESTION:
        raise QuestionTooLong(MAX_QUESTION)
    described = Described(question)
    for raw in parts[1:]:
        if not raw:
            continue
        part, quoted = _unquoted(raw)
        if quoted or not _setting(described, part, now, tz):
            if not part:
                continue
            described.options.append(part)
    options = described.options
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise OptionCount(len(options))
    seen: set[str] = set()
    for option in options:
        if len(option) > MAX_OPTION:
            raise OptionTooLong(option, MAX_OPTION)
        if option.casefold() in seen:
            raise DuplicateOption(option)
        seen.add(option.casefold())
    if described.multiple:
        if described.max_picks == 0:
            described.max_picks = len(options)
        if not 1 <= described.max_picks <= len(options):
            raise TooManyPicks(described.max_picks, len(options))
    return described


@dataclass(frozen=True)
class Picks:
    """What a VOTE says: the options to hold (`VOTE 3 1 2`), or to add or take away (`VOTE 3 +2`)."""

    positions: tuple[int, ...]
    """0-based."""
    toggle: bool = False


def read_picks(text: str, number: int, options: tuple[str, ...]) -> Picks:
    """`1`, `1 3`, `1,3`, `+2` (a button of a multiple-choice poll) or an option's own words."""
    given = text.strip()
    if not given:
        raise NoPick(number, len(options))
    toggle = given.startswith("+") and given[1:].isdigit()
    tokens = [t for t in re.split(r"[\s,;]+", given.lstrip("+")) if t]
    if tokens and all(t.isdigit() for t in tokens):
        positions = []
        for token in tokens:
            if not 1 <= int(token) <= len(options):
                raise PickOutOfRange(token, len(options))
            if int(token) - 1 not in positions:
                positions.append(int(token) - 1)
        return Picks(tuple(positions), toggle)
    for position, option in enumerate(options):
        if given.casefold() == option.casefold():
            return Picks((position,))
    raise PickOutOfRange(given, len(options))


def apply_picks(picks: Picks, current: tuple[int, ...] | None, max_picks: int) -> tuple[int, ...]:
    """The ballot after this VOTE: a toggle adds or takes away one option (a multiple-choice poll's
    button); otherwise the picks replace the ballot. No picks left: the ballot is withdrawn."""
    if picks.toggle and max_picks > 1:
        held = list(current or ())
        for position in picks.positions:
            if position in held:
                held.remove(position)
            else:
                held.append(position)
        chosen = tuple(sorted(held))
    else:
        chosen = tuple(sorted(picks.positions))
    if len(chosen) > max_picks:
        raise TooManyVotes(max_picks)
    return chosen
