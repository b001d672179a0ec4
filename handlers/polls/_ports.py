"""What the polls feature keeps: polls, their options and one ballot per member per poll."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.polls._models import Poll, PollDraft, Tally


class PollRepository(Protocol):
    async def create(self, draft: PollDraft, created_by: int | None, now: datetime) -> Poll: ...
    async def poll(self, poll_id: int) -> Poll | None: ...
    async def open_polls(self) -> list[Poll]:
        """Open polls, the soonest deadline first."""
        ...

    async def ballot(self, poll_id: int, member_id: int) -> tuple[int, ...] | None:
        """The member's picks (0-based positions), or None when they have not voted."""
        ...

    async def ballots_of(self, member_id: int, poll_ids: Sequence[int]) -> dict[int, tuple[int, ...]]: ...
    async def vote(self, poll_id: int, member_id: int, picks: Sequence[int], now: datetime) -> bool:
        """Replace the member's picks (in the caller's transaction); True when it is their first ballot.
        The database refuses a ballot on a poll that is not open and more picks than it allows."""
        ...

    async def tally(self, poll: Poll) -> Tally: ...
    async def voters(self, poll: Poll) -> list[tuple[int, str]]:
        """(position, handle) of every pick: for named polls only (the caller checks)."""
        ...

    async def close(self, poll_id: int, now: datetime, late: bool) -> bool:
        """Mark it closed; False when it was not open (closed once, whoever tries)."""
        ...

    async def cancel(self, poll_id: int, now: datetime) -> bool: ...
    async def extend(self, poll_id: int, deadline: datetime) -> bool: ...

    async def closed_between(self, since: datetime, until: datetime) -> list[Poll]:
        """Polls closed from `since` to `until`, in closing order (the newsletter's week)."""
        ...


POLLS: Key[PollRepository] = Key("polls")
