"""What a poll is, as the core reads it: its settings, its options, its ballots' tally."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PollState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PollDraft:
    """A poll as a moderator described it, checked, before it has a number."""

    question: str
    options: tuple[str, ...]
    max_picks: int
    """1 for a single-choice poll."""
    multiple: bool
    anonymous: bool
    hidden: bool
    """Results are shown only once the poll has closed."""
    channel: str
    deadline: datetime
    min_level: int | None = None
    """The index of the lowest level that may vote (levels as in `[levels]`)."""
    segment: str | None = None
    """Only members whose onboarding answers put them in this segment may vote."""
    points: int = 0
    """Credited once per member for voting."""
    announce: bool = False
    """Also sent to the members on WhatsApp (those who opted in: the delivery policy decides)."""


@dataclass(frozen=True)
class Poll(PollDraft):
    id: int = 0
    state: PollState = PollState.OPEN
    late: bool = False
    """Closed after its deadline because the bot was not running then."""
    closed_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.state is PollState.OPEN


@dataclass(frozen=True)
class Tally:
    votes: tuple[int, ...]
    """Per option, in order: how many ballots picked it."""
    voters: int
    """How many members voted (a multiple-choice ballot counts once here)."""

    def leaders(self) -> list[int]:
        """The positions (0-based) with the most votes; empty when nobody voted."""
        top = max(self.votes, default=0)
        return [n for n, count in enumerate(self.votes) if count == top] if top else []
