"""Keys and codes as the community file and the commands use them: defined once, validated once.

A key is what people type for a thing (`mug`, `why`, `announcements`): lower-case letters, digits, `_`
and `-`. Codes are read on one screen and typed on another, so their alphabet leaves out 0/O and 1/I/L.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from pydantic import StringConstraints

CHANNEL_KEY_PATTERN = r"^[a-z0-9_-]{1,40}$"
ITEM_KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
"""Shop items and the like: what `REDEEM <key>` names."""
SHORT_KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,23}$"
"""Onboarding questions, answers and segments: short, because they travel in button ids."""

ChannelKey = Annotated[str, StringConstraints(pattern=CHANNEL_KEY_PATTERN)]
"""A channel as the core names it; each adapter maps keys to its own channels."""
ItemKey = Annotated[str, StringConstraints(pattern=ITEM_KEY_PATTERN)]
ShortKey = Annotated[str, StringConstraints(pattern=SHORT_KEY_PATTERN)]

T = TypeVar("T")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

_CHANNEL_KEY = re.compile(CHANNEL_KEY_PATTERN)
_ITEM_KEY = re.compile(ITEM_KEY_PATTERN)


def is_channel_key(text: str) -> bool:
    return _CHANNEL_KEY.match(text) is not None


def is_item_key(text: str) -> bool:
    return _ITEM_KEY.match(text) is not None


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def code_from_digest(digest: bytes, length: int) -> str:
    """`length` code characters derived from `digest`: the same input always gives the same code."""
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:length])


def record_number(text: str) -> int | None:
    """`#123` or `123` (a ledger entry, a redemption); None when it is not one."""
    return int(text.lstrip("#")) if re.fullmatch(r"#?[0-9]{1,12}", text) else None


async def find_numbered(
    given: str,
    read: Callable[[int], Awaitable[T | None]],
    not_a_number: Callable[[str], Exception],
    missing: Callable[[int], Exception],
) -> T:
    """The record `#12` or `12` names (a poll, an unlock, a challenge, an idea), or the feature's refusal:
    what was typed is no number, or nothing has that number."""
    number = record_number(given)
    if number is None:
        raise not_a_number(given)
    found = await read(number)
    if found is None:
        raise missing(number)
    return found
