"""What an NPS survey is: a run of the schedule, the members it asks (each on a day of its spread), their
answers (a score from 0 to 10 and a reason) and the moderators' follow-ups of detractors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CONFIDENT = 30
"""Answers below which the score comes with a note: a handful of answers moves it by many points."""


class Category(StrEnum):
    DETRACTOR = "detractor"
    PASSIVE = "passive"
    PROMOTER = "promoter"

    @classmethod
    def of(cls, score: int) -> Category:
        """0-6 detract, 7-8 are passive, 9-10 promote (the NPS convention)."""
        if score >= 9:
            return cls.PROMOTER
        if score >= 7:
            return cls.PASSIVE
        return cls.DETRACTOR


@dataclass(frozen=True)
class Survey:
    id: int
    started_at: datetime
    spread_days: int
    chosen: int
    """Members picked to be asked when it started."""


@dataclass(frozen=True)
class Invite:
    """A member's place in a survey: asked (when), or still waiting for their day."""

    survey_id: int
    member_id: int
    day: int
    asked_at: datetime | None


@dataclass(frozen=True)
class Answer:
    survey_id: int
    member_id: int
    score: int
    reason: str | None
    reason_at: datetime | None
    """When the reason question was settled (a reason given, or skipped); None: still asked."""
    answered_at: datetime

    @property
    def category(self) -> Category:
        return Category.of(self.score)


@dataclass(frozen=True)
class FollowUp:
    """A detractor's answer in the moderators' queue."""

    id: int
    survey_id: int
    member_id: int
    handle: str
    score: int
    reason: str | None
    reason_at: datetime | None
    created_at: datetime
    done_at: datetime | None = None


@dataclass(frozen=True)
class Tally:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0
    asked: int = 0
    waiting: int = 0
    """Chosen members whose day has not come yet."""

    @property
    def answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        """% promoters − % detractors, rounded half away from zero; None without answers."""
        if not self.answers:
            return None
        difference = 100 * (self.promoters - self.detractors)
        rounded = (2 * abs(difference) + self.answers) // (2 * self.answers)
        return rounded if difference >= 0 else -rounded

    @property
    def response_rate(self) -> int | None:
        """Answers per member asked, in %; None when nobody was asked yet."""
        if not self.asked:
            return None
        return round(100 * min(self.answers, self.asked) / self.asked)

    @property
    def confident(self) -> bool:
        return self.answers >= CONFIDENT
