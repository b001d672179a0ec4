"""Kudos written in chat: `@name++` anywhere, and `thanks @name [reason]` (`merci @name`, `grazie @name`)."""

from __future__ import annotations

import re
from typing import NamedTuple

_TARGET = r"@[\w.\-]{1,64}"
"""An `@name` (adapters turn platform mentions into these before the core sees the text)."""
_PLUS_PLUS = re.compile(rf"(?<![\w@])({_TARGET})\s?\+\+")
_THANKS = re.compile(
    rf"\b(?:thanks|thank\s+you|thx|ty|cheers|kudos|merci(?:\s+beaucoup)?|grazie(?:\s+mille)?)\b"
    rf"[\s,:!]*((?:{_TARGET}(?:\s*(?:,|&|(?:and|et|e)\b)?\s*))+)(.*)",
    re.IGNORECASE | re.DOTALL,
)
_TARGETS = re.compile(_TARGET)
_MAYBE_THANKS = re.compile(r"thank|thx|ty|cheers|kudos|merci|grazie", re.IGNORECASE)
"""A cheap first look: the full pattern is slow on messages that contain none of its words."""
_FOR = re.compile(r"^(?:for|4|pour|per)\s+", re.IGNORECASE)
MAX_REASON = 200


class KudosMention(NamedTuple):
    token: str
    reason: str


def find_kudos(text: str) -> list[KudosMention]:
    """Every member thanked in `text`, once each, in order, with the rest of the text as the reason."""
    if "@" not in text:  # most chat names nobody: skip the patterns
        return []
    found: dict[str, KudosMention] = {}  # by lower-cased token: the first mention of each counts
    plus = _PLUS_PLUS.findall(text)
    if plus:
        _add(found, plus, _clean(_PLUS_PLUS.sub(" ", text)))
    thanks = _THANKS.search(text) if _MAYBE_THANKS.search(text) else None
    if thanks:
        _add(found, _TARGETS.findall(thanks.group(1)), _clean(thanks.group(2)))
    return list(found.values())


def _add(found: dict[str, KudosMention], tokens: list[str], reason: str) -> None:
    for token in tokens:
        key = token.lower()
        if key not in found:
            found[key] = KudosMention(token.rstrip(".,!?:;"), reason)


def _clean(reason: str) -> str:
    reason = " ".join(reason.split()).strip(" ,.:;-!")
    reason = _FOR.sub("", reason)
    return reason[:MAX_REASON]
