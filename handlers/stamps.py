"""A moment inside a text, marked so each platform can show it its own way.

Every time shown to a member is written in their zone with the zone named (`Tue 3 Dec at 18:00
(Europe/Paris)`), followed by an invisible mark that holds the moment. Discord turns the mark into a
Discord timestamp (`<t:…:F>`), which each reader's client shows in their own local time; WhatsApp and the
console drop it. Private-use characters never come from members' text (`handlers.text.clean` removes them),
so a mark is always the bot's own.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

OPEN = "\ue000"
CLOSE = "\ue001"
_MARK = re.compile(f"{OPEN}(-?[0-9]+){CLOSE}")


def stamp(moment: datetime) -> str:
    return f"{OPEN}{int(moment.timestamp())}{CLOSE}"


def marks(text: str) -> list[tuple[int, int, datetime]]:
    """Each mark's span in `text` and the moment it holds."""
    if OPEN not in text:
        return []
    return [(m.start(), m.end(), datetime.fromtimestamp(int(m[1]), UTC)) for m in _MARK.finditer(text)]


def plain(text: str) -> str:
    """The text without marks (WhatsApp, the console, a length check)."""
    return _MARK.sub("", text) if OPEN in text else text


def discord(text: str) -> str:
    """Each mark as a Discord timestamp after the written moment."""
    return _MARK.sub(lambda m: f" · <t:{m[1]}:F>", text) if OPEN in text else text
