"""The community file's circles: `[[circles]]` (each circle the moderators set up) and `[circle]` (how the
relay behaves)."""

from __future__ import annotations

from pydantic import Field

from handlers.keys import ChannelKey, ItemKey
from handlers.section import Section

DEFAULT_SIZE = 50
"""The playbook keeps groups small: 30-50 members per leader."""
MAX_SIZE = 500


class CircleEntry(Section):
    """One `[[circles]]` table."""

    name: ItemKey
    """What members type: `CIRCLE JOIN runners` (lower-case letters, digits, `_` and `-`)."""
    size: int = Field(default=DEFAULT_SIZE, ge=2, le=MAX_SIZE)
    """At most this many members; a join past it is refused."""
    channel: ChannelKey | None = None
    """The Discord channel bridged to it (a key of [discord.channels], else the channel's name); its messages
    reach the circle's WhatsApp members and theirs are posted there."""


class CircleSettings(Section):
    """The `[circle]` table."""

    rate_limit: int = Field(default=10, ge=1, le=1000)
    """Messages one member may send to a circle per `rate_seconds`; more are refused with a line saying so."""
    rate_seconds: int = Field(default=60, ge=1, le=86400)
    notice_hours: int = Field(default=24, ge=1, le=720)
    """A member outside WhatsApp's 24-hour window gets at most one notice per circle in this many hours
    ("12 new messages in runners, reply to read them"), never the messages themselves."""
    notice_delay_minutes: int = Field(default=15, ge=0, le=1440)
    """How long after the first message they missed the notice goes (so it counts what came meanwhile)."""
    catch_up: int = Field(default=20, ge=1, le=100)
    """Messages a returning member is sent at most at once, oldest first; the count of the rest follows, and
    their next message brings the next ones."""
    quote_length: int = Field(default=60, ge=10, le=300)
    """How much of the message a reply answers is quoted before it."""
