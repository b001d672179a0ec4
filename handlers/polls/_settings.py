"""The `[polls]` section of `community.toml`: defaults for the polls moderators create."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from handlers.durations import positive_duration
from handlers.keys import ChannelKey
from handlers.section import Section

MAX_DURATION = timedelta(days=32)


class PollsConfig(Section):
    channel: ChannelKey | None = None
    """Where polls are posted unless POLL NEW names a channel; by default [channels] announcements."""
    duration: str = "24h"
    """How long a poll stays open when POLL NEW gives no deadline."""
    vote_points: int = Field(default=0, ge=0, le=1000)
    """Credits for voting (once per poll) when POLL NEW says nothing."""
    announce_whatsapp: bool = False
    """Send every new poll (and its results) to WhatsApp members too, unless POLL NEW says otherwise."""
    live_update_seconds: float = Field(default=2.0, ge=0, le=300)
    """A poll's post on Discord shows live results, edited at most once per this many seconds."""
    late_after: str = "5m"
    """A poll that closes this long after its deadline (the bot was down) says its results are late."""

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        if positive_duration(value) > MAX_DURATION:
            raise ValueError("a poll can stay open at most 32 days (32d)")
        return value

    @field_validator("late_after")
    @classmethod
    def _late_after(cls, value: str) -> str:
        positive_duration(value)
        return value

    @property
    def default_duration(self) -> timedelta:
        return positive_duration(self.duration)

    @property
    def lateness(self) -> timedelta:
        return positive_duration(self.late_after)
