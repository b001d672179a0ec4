"""The `[sessions]` section of `community.toml`: where founder sessions are posted and when reminded."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field, field_validator

from handlers.durations import at_most, positive_duration
from handlers.keys import ChannelKey
from handlers.section import Section

MAX_AHEAD = timedelta(days=365)
MAX_REMINDER = timedelta(days=14)
MAX_CAPACITY = 100_000


class SessionsConfig(Section):
    channel: ChannelKey | None = None
    """Where sessions are posted and reminded; by default [channels] announcements."""
    reminders: list[Annotated[str, at_most(MAX_REMINDER, "a reminder comes before the session")]] = Field(
        default_factory=lambda: ["24h", "1h"], max_length=5
    )
    """How long before the start attendees are reminded, each once."""
    attendance_points: int = Field(default=0, ge=0, le=10_000)
    """Credits for attending when SESSION NEW says nothing."""
    announce_whatsapp: bool = False
    """Send every new session to opted-in WhatsApp members too, unless SESSION NEW says otherwise."""
    code_early: Annotated[str, at_most(timedelta(days=1), "the code word is taken before the start")] = "15m"
    """The code word counts from this long before the start until the end."""
    discord_event: bool = False
    """Also create each session as a Discord scheduled event (the bot needs the Manage Events permission);
    a move edits it, a cancel cancels it."""
    live_update_seconds: float = Field(default=2.0, ge=0, le=300)
    """On Discord the session's post shows its places left, edited at most once per this many seconds."""

    @field_validator("reminders")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len({positive_duration(v) for v in value}) != len(value):
            raise ValueError("each reminder offset once")
        return value

    @property
    def offsets(self) -> list[timedelta]:
        """Longest first: the order they fall due."""
        return sorted((positive_duration(v) for v in self.reminders), reverse=True)

    @property
    def early(self) -> timedelta:
        return positive_duration(self.code_early)
