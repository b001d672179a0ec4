"""How a core Reply looks on Discord: split under 2,000 characters, embeds for lists, no stray pings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import discord

from bot.discord.views import choices_view
from bot.split import split_text as split
from handlers import stamps
from handlers.models import Reply

MAX_CONTENT = 2000
MAX_EMBED_TITLE = 256
MAX_EMBED_DESCRIPTION = 4096
EMBED_MIN_LINES = 4
"""A header line followed by at least three lines (HELP, TOP, HISTORY, SHOP) reads better as an embed."""
EMBED_COLOUR = discord.Colour.blurple()

NO_PINGS = discord.AllowedMentions(everyone=False, users=False, roles=False, replied_user=False)
"""Everything the bot sends: text that came from members must never ping anyone when repeated."""


def pinging(*users: discord.abc.Snowflake) -> discord.AllowedMentions:
    """Allowed mentions for a message that means to ping exactly these users (e.g. a DM fallback)."""
    return discord.AllowedMentions(everyone=False, users=list(users), roles=False, replied_user=False)


@dataclass
class Part:
    """One Discord message of a reply: text or an embed, and the choices on the last part."""

    content: str | None = None
    embed: discord.Embed | None = None
    view: discord.ui.View | None = None

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `send`/`followup.send`/`edit_original_response`."""
        found: dict[str, Any] = {"content": self.content, "allowed_mentions": NO_PINGS}
        if self.embed is not None:
            found["embed"] = self.embed
        if self.view is not None:
            found["view"] = self.view
        return found


def split_text(text: str, limit: int = MAX_CONTENT) -> list[str]:
    return [part or "…" for part in split(text, limit)]


def as_embed(text: str) -> discord.Embed | None:
    """A list with a header line becomes an embed; anything else stays plain text."""
    title, _, body = text.strip().partition("\n")
    if len(body.splitlines()) < EMBED_MIN_LINES - 1 or len(title) > MAX_EMBED_TITLE:
        return None
    if len(body) > MAX_EMBED_DESCRIPTION:
        return None
    return discord.Embed(title=title, description=body, colour=EMBED_COLOUR)


_MASS_MENTION = re.compile(r"@(everyone|here)\b|<@&")


def inert(text: str) -> str:
    """`@everyone`, `@here` and role mentions broken with a zero-width space: they stay readable and can
    never ping, even where text is relayed on by something that does not pass NO_PINGS."""
    return _MASS_MENTION.sub(lambda m: "<@\u200b&" if m[0] == "<@&" else f"@\u200b{m[1]}", text)


def render(reply: Reply, embeds: bool = True) -> list[Part]:
    text = stamps.discord(inert(reply.text))
    embed = as_embed(text) if embeds else None
    parts = [Part(embed=embed)] if embed is not None else [Part(content=c) for c in split_text(text)]
    parts[-1].view = choices_view(reply.choices)
    return parts
