"""CHALLENGE NEW's one-line form, read into values: `"Best mug photo" | Show us your mug in use | 7d |
points 20 | review auto | blind | per member 2 | bonus 50 | winners 3 | #photos`. The title, then what to
do, then settings in any order (in any of the three languages); a part that is no setting is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.challenges._errors import BadChallenge, TooLong, UnknownSetting
from handlers.challenges._settings import MAX_DURATION
from handlers.deadlines import parse_deadline
from handlers.keys import is_channel_key
from handlers.text import clean

MAX_TITLE = 100
MAX_DESCRIPTION = 1000
POINTS = frozenset({"points", "credits", "crédits", "punti", "crediti"})
REVIEW = frozenset({"review", "revue", "modération", "moderation", "revisione"})
AUTO = frozenset({"auto", "automatic", "automatique", "automatica"})
MANUAL = frozenset({"manual", "manuelle", "manuale"})
BLIND = frozenset({"blind", "aveugle", "anonima", "cieca"})
PER_MEMBER = frozenset({"per", "par", "ciascuno"})
BONUS = frozenset({"bonus"})
WINNERS = frozenset({"winners", "gagnants", "vincitori"})
_QUOTES = "\"'“”«»‘’"


@dataclass
class Described:
    title: str
    description: str
    ends_at: datetime | None = None
    points: int | None = None
    review: str | None = None
    blind: bool = False
    per_member: int | None = None
    bonus: int | None = None
    winners: int | None = None
    channel: str | None = None


def _number(words: list[str]) -> int | None:
    last = words[-1] if words else ""
    return int(last) if last.isdigit() and len(last) <= 6 else None


def describe(text: str, now: datetime, tz: ZoneInfo) -> Described:
    parts = [clean(p).strip() for p in text.split("|")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        raise BadChallenge()
    title = parts[0]
    if len(title) >= 2 and title[0] in _QUOTES and title[-1] in _QUOTES:
        title = title[1:-1].strip()
    if not title:
        raise BadChallenge()
    if len(title) > MAX_TITLE:
        raise TooLong("title", MAX_TITLE)
    if len(parts[1]) > MAX_DESCRIPTION:
        raise TooLong("description", MAX_DESCRIPTION)
    described = Described(title, parts[1])
    for part in parts[2:]:
        if not part:
            continue
        words = part.lower().split()
        first, number = words[0], _number(words)
        if part.startswith("#") and is_channel_key(part[1:].lower()):
            described.channel = part[1:].lower()
        elif first in POINTS and number is not None and len(words) == 2:
            described.points = number
        elif first in BONUS and number is not None and len(words) == 2:
            described.bonus = number
        elif first in WINNERS and number is not None and len(words) == 2 and 1 <= number <= 20:
            described.winners = number
        elif first in PER_MEMBER and number is not None and 1 <= number <= 100 and len(words) == 3:
            described.per_member = number
        elif first in REVIEW and len(words) == 2 and words[1] in AUTO | MANUAL:
            described.review = "auto" if words[1] in AUTO else "manual"
        elif part.lower() in BLIND:
            described.blind = True
        else:
            ends = parse_deadline(part, now, tz, MAX_DURATION)
            if ends is None or described.ends_at is not None:
                raise UnknownSetting(part)
            described.ends_at = ends
    return described
