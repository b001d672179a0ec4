"""The `[polls]` section of `community.toml`: defaults for the polls moderators create."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from pydantic import Field

from handlers.durations import PositiveDuration, at_most, positive_duration
from handlers.keys import ChannelKey
from handlers.section import Section

MAX_DURATION = timedelta(days=32)


class PollsConfig(Section):
    channel: ChannelKey | None = None
    """Where polls are posted unless POLL NEW names a channel; by default [channels] announcements."""
    duration: Annotated[str, at_most(MAX_DURATION, "a poll can stay open")] = "24h"
    """How long a poll stays open when POLL NEW gives no deadline."""
    vote_points: int = Field(default=0, ge=0, le=1000)
    """Credits for voting (once per poll) when POLL NEW says nothing."""
    announce_whatsapp: bool = False
    """Send every new poll (and its results) to WhatsApp members too, unless POLL NEW says otherwise."""
    live_update_seconds: float = Field(default=2.0, ge=0, le=300)
    """A poll's post on Discord shows live results, edited at most once per this many seconds."""
    late_after: PositiveDuration = "5m"
    """A poll that closes this long after its deadline (the bot was down) says its results are late."""

    @property
    def default_duration(self) -> timedelta:
        return positive_duration(self.duration)

    @property
    def lateness(self) -> timedelta:
        return positive_duration(self.late_after)
