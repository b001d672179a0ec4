"""What the unlocks feature keeps: offers, one pledge per member, and the pool of codes they unlock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.unlocks._models import Unlock, UnlockDraft


class UnlockRepository(Protocol):
    async def create(self, draft: UnlockDraft, created_by: int | None, now: datetime) -> Unlock: ...
    async def unlock(self, unlock_id: int) -> Unlock | None: ...
    async def current(self) -> list[Unlock]:
        """Unlocks still taking pledges or unlocked (the caller checks deadlines), soonest deadline first."""
        ...

    async def pledged(self, unlock_ids: Sequence[int], member_id: int) -> set[int]: ...
    async def pledge(self, unlock_id: int, member_id: int, now: datetime) -> bool:
        """False when the member had pledged already (the database allows one pledge each)."""
        ...

    async def withdraw(self, unlock_id: int, member_id: int) -> bool: ...
    async def pledgers(self, unlock_id: int) -> list[int]:
        """Member ids, in the order they pledged."""
        ...

    async def set_state(self, unlock_id: int, old: str, new: str, now: datetime) -> bool:
        """Move it from `old` to `new`; False when it was not in `old` (each change happens once)."""
        ...

    async def add_codes(self, unlock_id: int, codes: Sequence[str]) -> int: ...
    async def give_code(self, unlock_id: int, member_id: int, now: datetime) -> str | None:
        """The member's code: the one they were given, else a free one now; None when the pool is empty."""
        ...

    async def code_of(self, unlock_id: int, member_id: int) -> str | None: ...
    async def without_code(self, unlock_id: int) -> list[int]:
        """Pledgers who have no code yet, in pledge order."""
        ...

    async def unlocked_between(self, since: datetime, until: datetime) -> list[Unlock]:
        """Unlocks reached from `since` to `until` (the newsletter's week)."""
        ...


UNLOCKS: Key[UnlockRepository] = Key("unlocks")
