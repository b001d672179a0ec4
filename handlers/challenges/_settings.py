"""The `[challenges]` section of `community.toml`: defaults for the challenges moderators create."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import Field, field_validator

from handlers.durations import positive_duration
from handlers.keys import ChannelKey
from handlers.section import Section

MAX_DURATION = timedelta(days=92)


class Winners(StrEnum):
    MODERATORS = "moderators"
    """Moderators name the winners (CHALLENGE WINNERS) once it has ended."""
    MOST_APPROVED = "most_approved"
    """The members with the most approved submissions win when it ends."""


class ChallengesConfig(Section):
    channel: ChannelKey | None = None
    """Where challenges and their results are posted; by default [channels] announcements."""
    duration: str = "7d"
    points: int = Field(default=10, ge=0, le=10_000)
    """Credits for an accepted submission, unless CHALLENGE NEW says otherwise."""
    per_member: int = Field(default=1, ge=1, le=100)
    review: str = Field(default="manual", pattern="^(auto|manual)$")
    winners: Winners = Winners.MODERATORS
    winners_count: int = Field(default=1, ge=1, le=20)
    bonus: int = Field(default=0, ge=0, le=100_000)
    """Credits for each winner."""
    remind_before: str = "1d"
    """Reviewers are reminded this long before the end while submissions wait."""

    @field_validator("duration")
    @classmethod
    def _duration(cls, value: str) -> str:
        if positive_duration(value) > MAX_DURATION:
            raise ValueError("a challenge can run at most 92 days (92d)")
        return value

    @field_validator("remind_before")
    @classmethod
    def _remind(cls, value: str) -> str:
        positive_duration(value)
        return value

    @property
    def default_duration(self) -> timedelta:
        return positive_duration(self.duration)

    @property
    def reminder(self) -> timedelta:
        return positive_duration(self.remind_before)
