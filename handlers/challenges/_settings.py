"""The `[challenges]` section of `community.toml`: defaults for the challenges moderators create."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from handlers.durations import PositiveDuration, at_most, positive_duration
from handlers.keys import ChannelKey, ShortKey
from handlers.section import Section

MAX_DURATION = timedelta(days=92)


class Winners(StrEnum):
    MODERATORS = "moderators"
    """Moderators name the winners (CHALLENGE WINNERS) once it has ended."""
    MOST_APPROVED = "most_approved"
    """The members with the most approved submissions win when it ends."""


class RecurringChallenge(Section):
    """A challenge that opens again on a schedule (a weekly photo, a monthly story)."""

    key: ShortKey
    title: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, max_length=1000)
    cron: str
    """When each one opens: minute hour day month weekday, in the community time zone (`0 9 * * MON`)."""
    duration: Annotated[str, at_most(MAX_DURATION, "a challenge can run")] = "6d"
    """How long each one runs."""
    points: int | None = Field(default=None, ge=0, le=10_000)
    per_member: int | None = Field(default=None, ge=1, le=100)
    review: str | None = Field(default=None, pattern="^(auto|manual)$")
    blind: bool = False
    bonus: int | None = Field(default=None, ge=0, le=100_000)
    winners: int | None = Field(default=None, ge=1, le=20)
    channel: ChannelKey | None = None

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError("write five fields: minute hour day month weekday, e.g. '0 9 * * MON'")
        return value

    @property
    def runs_for(self) -> timedelta:
        return positive_duration(self.duration)


class ChallengesConfig(Section):
    channel: ChannelKey | None = None
    """Where challenges and their results are posted; by default [channels] announcements."""
    duration: Annotated[str, at_most(MAX_DURATION, "a challenge can run")] = "7d"
    points: int = Field(default=10, ge=0, le=10_000)
    """Credits for an accepted submission, unless CHALLENGE NEW says otherwise."""
    per_member: int = Field(default=1, ge=1, le=100)
    review: str = Field(default="manual", pattern="^(auto|manual)$")
    winners: Winners = Winners.MODERATORS
    winners_count: int = Field(default=1, ge=1, le=20)
    bonus: int = Field(default=0, ge=0, le=100_000)
    """Credits for each winner."""
    remind_before: PositiveDuration = "1d"
    """Reviewers are reminded this long before the end while submissions wait."""
    recurring: list[RecurringChallenge] = Field(default_factory=list, max_length=20)

    @field_validator("recurring")
    @classmethod
    def _unique(cls, values: list[RecurringChallenge]) -> list[RecurringChallenge]:
        keys = [v.key for v in values]
        if len(set(keys)) != len(keys):
            raise ValueError("two recurring challenges share a key")
        return values

    @property
    def default_duration(self) -> timedelta:
        return positive_duration(self.duration)

    @property
    def reminder(self) -> timedelta:
        return positive_duration(self.remind_before)
