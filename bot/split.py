"""Long texts cut into the parts a platform accepts (2,000 characters on Discord, 1,600 on WhatsApp)."""

from __future__ import annotations

BREAKS = ("\n\n", "\n", " ")
"""Where a part may end, in order of preference: between paragraphs, lines, words."""


def split_text(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters. Each part ends at the last paragraph break of its window, else
    the last line break, else the last space; a break in the first half of a window is not taken (it
    would leave a tiny part), so only a word longer than half a part is ever cut inside."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = next((at for at in (window.rfind(b) for b in BREAKS) if at >= limit // 2), limit)
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts
