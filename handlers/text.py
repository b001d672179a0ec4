"""Text from people, made safe at the boundary: what a member typed is stored and shown again elsewhere.

Control characters other than new line and tab are removed (an ESC sequence rewrites a terminal's title, a
NUL cuts a string short in other programs), and so are the bidirectional overrides and isolates that make
text read differently from how it is stored, and the marks the bot puts
around moments (handlers.stamps), and lone surrogates (a JSON payload may carry `\\ud800`: no database or
platform takes them). Everything else, emoji and every script, is kept.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ue000\ue001\ud800-\udfff]")
"""Also the two private-use marks of handlers.stamps: a member cannot forge a timestamp."""


def clean(text: str) -> str:
    """`text` without control characters (but new lines and tabs), bidi overrides or lone surrogates."""
    return _UNSAFE.sub("", text) if _UNSAFE.search(text) else text


def clean_name(name: str | None, limit: int = 64) -> str | None:
    """A display name: cleaned, on one line, white space folded, at most `limit` characters; None if empty."""
    if name is None:
        return None
    folded = " ".join(clean(name).split())[:limit]
    return folded or None
