"""The `[unlocks]` section of `community.toml`: defaults for the group unlocks moderators post."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field, field_validator

from handlers.durations import positive_duration
from handlers.keys import ChannelKey
from handlers.section import Section

MAX_DURATION = timedelta(days=90)
MAX_GOAL = 100_000


class UnlocksConfig(Section):
    channel: ChannelKey | None = None
    """Where unlocks are posted; by default [channels] announcements."""
    duration: str = "3d"
    """How long an unlock takes pledges when UNLOCK NEW gives no deadline."""
    live_update_seconds: float = Field(default=2.0, ge=0, le=300)
    """On Discord the unlock's post shows its progress, edited at most once per this many seconds."""

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        if positive_duration(value) > MAX_DURATION:
            raise ValueError("an unlock can take pledges at most 90 days (90d)")
        return value

    @property
    def default_duration(self) -> timedelta:
        return positive_duration(self.duration)
