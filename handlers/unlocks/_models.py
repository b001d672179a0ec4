"""What a group unlock is: an offer, its goal, its deadline, its reward and how many pledged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class UnlockState(StrEnum):
    OPEN = "open"
    """Taking pledges, the goal not reached yet."""
    UNLOCKED = "unlocked"
    """The goal was reached: every pledger got the reward; later ones get it at once, until the deadline."""
    EXPIRED = "expired"
    """The deadline passed before the goal: nothing happened."""
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class UnlockDraft:
    title: str
    goal: int
    """How many members must pledge."""
    deadline: datetime
    reward: str
    """What every pledger is sent privately once it unlocks."""
    codes: bool
    """Each pledger also gets a code of their own from the unlock's pool (UNLOCK CODES)."""
    channel: str


@dataclass(frozen=True)
class Unlock(UnlockDraft):
    id: int = 0
    state: UnlockState = UnlockState.OPEN
    pledges: int = 0
    unlocked_at: datetime | None = None

    def takes_pledges(self, now: datetime) -> bool:
        return self.state in (UnlockState.OPEN, UnlockState.UNLOCKED) and now < self.deadline
