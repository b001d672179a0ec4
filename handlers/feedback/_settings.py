"""The `[feedback]` section of `community.toml`: what the authors of ideas earn as their status moves."""

from __future__ import annotations

from pydantic import Field

from handlers.section import Section


class FeedbackConfig(Section):
    planned_points: int = Field(default=0, ge=0, le=100_000)
    """Credits for the author when their idea is planned, once."""
    shipped_points: int = Field(default=0, ge=0, le=100_000)
    """Credits for the author when their idea ships, once."""
