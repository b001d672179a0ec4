"""The `[feedback]` section of `community.toml`: where ideas are triaged, what their authors earn."""

from __future__ import annotations

from pydantic import Field

from handlers.keys import ChannelKey
from handlers.section import Section


class FeedbackConfig(Section):
    channel: ChannelKey | None = None
    """Where new ideas are posted for the moderators to triage; by default [channels] moderators."""
    planned_points: int = Field(default=0, ge=0, le=100_000)
    """Credits for the author when their idea is planned, once per idea."""
    shipped_points: int = Field(default=0, ge=0, le=100_000)
    """Credits for the author when their idea ships, once per idea."""
