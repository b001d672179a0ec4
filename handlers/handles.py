"""Handles: the names members are mentioned by (`@ana_maria`), made the same way on every platform."""

from __future__ import annotations

import re
import unicodedata

HANDLE_MAX = 24
RESERVED_HANDLES = frozenset({"bot", "everyone", "here"})
"""Never a member's handle: `@everyone` and `@here` mean whole groups, `@bot` the bot itself."""


def handle_base(display_name: str) -> str:
    """A readable, mention-safe handle from a display name: `Ana María` -> `ana_maria`."""
    ascii_name = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode()
    handle = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:HANDLE_MAX].strip("_")
    if handle in RESERVED_HANDLES:  # @bot, @everyone and @here must never name a member
        handle += "_member"
    return handle or "member"


def is_reserved(token: str) -> bool:
    """`@everyone`, `@Here`, `@bot`: a mention of a group or of the bot, never of a member."""
    return token.lstrip("@").lower() in RESERVED_HANDLES
