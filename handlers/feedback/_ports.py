"""What the feedback feature keeps: ideas with their status and one backing per member and idea."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from handlers.feedback._models import Idea
from handlers.key import Key


class IdeaRepository(Protocol):
    async def add(self, member_id: int, text: str, now: datetime) -> Idea: ...
    async def idea(self, idea_id: int) -> Idea | None: ...
    async def most_backed(self, limit: int) -> list[Idea]:
        """Open ideas (new, planned), the most backed first, then the newest."""
        ...

    async def back(self, idea_id: int, member_id: int, now: datetime) -> bool:
        """False when the member backed it already (the database allows one backing each)."""
        ...

    async def backed(self, member_id: int, idea_ids: list[int]) -> set[int]: ...
    async def backers(self, idea_id: int) -> list[int]:
        """Member ids, in the order they backed it."""
        ...

    async def set_status(
        self, idea_id: int, status: str, note: str | None, by: int | None, now: datetime
    ) -> bool:
        """False when it already had that status (a change happens once)."""
        ...


IDEAS: Key[IdeaRepository] = Key("ideas")
