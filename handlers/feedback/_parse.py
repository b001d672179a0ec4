"""What FEEDBACK and IDEA STATUS are given, checked before anything is stored (one clear refusal each)."""

from __future__ import annotations

from handlers.feedback._errors import IdeaTooLong, NoteTooLong

MAX_IDEA = 1000
"""Characters in an idea: enough for a paragraph, short enough to read in a queue."""
MAX_NOTE = 300
"""Characters in the note a status change sends to the author and every backer."""


def idea_text(text: str) -> str:
    """FEEDBACK's words (control characters are gone already: the core cleans what people type)."""
    words = text.strip()
    if len(words) > MAX_IDEA:
        raise IdeaTooLong(MAX_IDEA)
    return words


def status_note(note: str | None) -> str | None:
    """IDEA STATUS's note, or None when it gave none."""
    words = (note or "").strip()
    if len(words) > MAX_NOTE:
        raise NoteTooLong(MAX_NOTE)
    return words or None
