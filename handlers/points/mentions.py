"""Kudos written in chat: `@name++` anywhere, and `thanks @name [reason]`."""

from __future__ import annotations

import re
from typing import NamedTuple

_TARGET = r"(?:<@!?\d{5,25}>|@[\w.\-]{1,64})"
_PLUS_PLUS = re.compile(rf"(?<![\w@])({_TARGET})\s?\+\+")
_THANKS = re.compile(
    rf"\b(?:thanks|thank\s+you|thx|ty|cheers|kudos)\b[\s,:!]*((?:{_TARGET}(?:\s*(?:,|&|and)?\s*))+)(.*)",
    re.IGNORECASE | re.DOTALL,
)
_TARGETS = re.compile(_TARGET)
_FOR = re.compile(r"^(?:for|4)\s+", re.IGNORECASE)
MAX_REASON = 200


class KudosMention(NamedTuple):
    token: str
    reason: str


def find_kudos(text: str) -> list[KudosMention]:
    """Every member thanked in `text`, once each, in order, with the rest of the text as the reason."""
    if "@" not in text:  # most chat names nobody: skip the patterns
        return []
    found: list[KudosMention] = []
    seen: set[str] = set()

    def add(token: str, reason: str) -> None:
        key = token.lower()
        if key not in seen:
            seen.add(key)
            found.append(KudosMention(token.rstrip(".,!?:;"), _clean(reason)))

    plus = _PLUS_PLUS.findall(text)
    if plus:
        reason = _PLUS_PLUS.sub(" ", text)
        for token in plus:
            add(token, reason)
    thanks = _THANKS.search(text)
    if thanks:
        for token in _TARGETS.findall(thanks.group(1)):
            add(token, thanks.group(2))
    return found


def _clean(reason: str) -> str:
    reason = " ".join(reason.split()).strip(" ,.:;-!")
    reason = _FOR.sub("", reason)
    return reason[:MAX_REASON]
