"""UNLOCK NEW's one-line form: `"Free shipping weekend" 50 3d | Use code FREESHIP at checkout | codes`.

The title (in quotes, or the words before the goal), how many members must pledge, an optional deadline
(a duration or a date and time, as for polls); then, after `|`, the reward every pledger is sent, and
`codes` when each pledger also gets a code of their own from the unlock's pool.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.deadlines import parse_deadline
from handlers.text import clean
from handlers.unlocks._errors import BadGoal, BadUnlock, RewardTooLong, TitleTooLong
from handlers.unlocks._settings import MAX_DURATION, MAX_GOAL

MAX_TITLE = 100
MAX_REWARD = 500
CODES = frozenset({"codes", "code", "codici", "codice"})
_HEAD = re.compile(
    r'^\s*(?:["“«]\s*(?P<quoted>[^"”»]+?)\s*["”»]|(?P<words>.+?))'  # the title
    r"\s+(?P<goal>[0-9]{1,7})(?:\s+(?P<deadline>.+?))?\s*$"  # the goal, then a deadline
)


@dataclass(frozen=True)
class Described:
    title: str
    goal: int
    deadline: datetime | None
    reward: str
    codes: bool


def describe(text: str, now: datetime, tz: ZoneInfo) -> Described:
    head, *parts = [clean(p).strip() for p in text.split("|")]
    found = _HEAD.match(head)
    codes = any(p.lower() in CODES for p in parts)
    rewards = [p for p in parts if p and p.lower() not in CODES]
    if found is None or len(rewards) != 1:
        raise BadUnlock()
    title = (found["quoted"] or found["words"]).strip()
    if len(title) > MAX_TITLE:
        raise TitleTooLong(MAX_TITLE)
    if len(rewards[0]) > MAX_REWARD:
        raise RewardTooLong(MAX_REWARD)
    goal = int(found["goal"])
    if not 2 <= goal <= MAX_GOAL:
        raise BadGoal(MAX_GOAL)
    deadline = None
    if found["deadline"]:
        deadline = parse_deadline(found["deadline"], now, tz, MAX_DURATION)
        if deadline is None:
            raise BadUnlock()
    return Described(title, goal, deadline, rewards[0], codes)
