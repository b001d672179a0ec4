"""What the feedback feature keeps: ideas with their status and one backing per member and idea."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from handlers.feedback._models import Idea, IdeaStatus
from handlers.key import Key


class IdeaRepository(Protocol):
    async def add(self, member_id: int, text: str, now: datetime) -> Idea: ...
    async def idea(self, idea_id: int) -> Idea | None: ...
    async def most_backed(self, limit: int) -> list[Idea]:
        """Open ideas (new, planned) whose words are kept, the most backed first, then the newest."""
        ...

    async def back(self, idea_id: int, member_id: int, now: datetime) -> bool:
        """False when the member backed it already (the database allows one backing each)."""
        ...

    async def unback(self, idea_id: int, member_id: int) -> bool:
        """False when the member did not back it."""
        ...

    async def backed(self, member_id: int, idea_ids: Sequence[int]) -> set[int]:
        """Which of these ideas the member backs."""
        ...

    async def backers(self, idea_id: int) -> list[int]:
        """Member ids, in the order they backed it."""
        ...

    async def set_status(
        self, idea_id: int, status: IdeaStatus, note: str | None, by: int | None, now: datetime
    ) -> bool:
        """False when it already had that status (a change happens once, whoever tries)."""
        ...

    async def shipped_between(self, since: datetime, until: datetime) -> list[Idea]:
        """Ideas marked shipped from `since` to `until` (the newsletter's week)."""
        ...


IDEAS: Key[IdeaRepository] = Key("ideas")
