"""What product feedback is: a member's idea, its status on the team's side, and who backs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class IdeaStatus(StrEnum):
    NEW = "new"
    PLANNED = "planned"
    SHIPPED = "shipped"
    DECLINED = "declined"

    @property
    def open(self) -> bool:
        """Still worth backing (not shipped or declined): IDEAS lists it, BACK and UNBACK take it."""
        return self in (IdeaStatus.NEW, IdeaStatus.PLANNED)


@dataclass(frozen=True)
class Idea:
    id: int
    member_id: int
    handle: str
    """The author's."""
    text: str
    """Empty once the author was forgotten (their words go; the idea, its status and backers stay)."""
    status: IdeaStatus
    note: str | None
    """What the team said with its latest status change."""
    backers: int
    created_at: datetime

    @property
    def erased(self) -> bool:
        return not self.text
