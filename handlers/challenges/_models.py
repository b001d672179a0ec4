"""What a challenge is: a time-boxed call for members' content, its submissions and their review."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ChallengeState(StrEnum):
    OPEN = "open"
    """Taking submissions until it ends."""
    CLOSED = "closed"
    """Ended; the winners are still to be picked by the moderators."""
    DONE = "done"
    """Ended and its winners announced."""


class Review(StrEnum):
    AUTO = "auto"
    MANUAL = "manual"


class SubmissionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class ChallengeDraft:
    title: str
    description: str
    ends_at: datetime
    points: int
    """Credited once per accepted submission."""
    per_member: int
    review: Review
    blind: bool
    """Reviewers do not see who submitted."""
    bonus: int
    """Credited once to each winner."""
    winners: int
    channel: str


@dataclass(frozen=True)
class Challenge(ChallengeDraft):
    id: int = 0
    state: ChallengeState = ChallengeState.OPEN
    starts_at: datetime | None = None

    def takes_submissions(self, now: datetime) -> bool:
        return self.state is ChallengeState.OPEN and now < self.ends_at


@dataclass(frozen=True)
class Submission:
    id: int
    challenge_id: int
    member_id: int
    handle: str
    text: str
    state: SubmissionState
    reason: str | None
    created_at: datetime
    media: int = 0
    """How many files it attached (kept in the media store)."""
