"""The `[unlocks]` section of `community.toml`: defaults for the group unlocks moderators post."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from handlers.durations import at_most, positive_duration
from handlers.keys import ChannelKey
from handlers.section import Section

MAX_DURATION = timedelta(days=90)
MAX_GOAL = 100_000


class UnlocksConfig(Section):
    channel: ChannelKey | None = None
    """Where unlocks are posted; by default [channels] announcements."""
    duration: Annotated[str, at_most(MAX_DURATION, "an unlock can take pledges")] = "3d"
    """How long an unlock takes pledges when UNLOCK NEW gives no deadline."""
    live_update_seconds: float = Field(default=2.0, ge=0, le=300)
    """On Discord the unlock's post shows its progress, edited at most once per this many seconds."""

    @property
    def default_duration(self) -> timedelta:
        return positive_duration(self.duration)
