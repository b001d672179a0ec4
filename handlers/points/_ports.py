"""What the points feature needs from storage."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.points._models import BoardRow, DayState, FollowUp, LedgerEntry, NewEntry, Standing


class PointsRepository(Protocol):
    async def append(self, entry: NewEntry) -> int | None:
        """Append one entry in the caller's transaction; its id, or None when the source was already used."""
        ...

    def submit(self, rows: Sequence[NewEntry | FollowUp]) -> tuple[asyncio.Future[list[int]], int]:
        """Add entries (and the messages that acknowledge them) to the next group commit without waiting:
        that commit's future, shared by every caller in it, and where these rows start in its result. Once
        durable, the result has for each row 0 if it was not written (a replayed source is not, nor a
        message about it), else 1 for an entry and the outbox id for a message. Attach work with
        add_done_callback."""
        ...

    @property
    def backlogged(self) -> bool:
        """The next group commit is full: callers should wait for theirs before they add more."""
        ...

    async def settle(self) -> None:
        """Wait until every queued entry is committed (so that reads see them)."""
        ...

    async def close(self) -> None:
        """Commit what is queued, then stop taking entries (before the database closes)."""
        ...

    async def spend(self, entry: NewEntry) -> int | None:
        """Append a negative entry only if the balance covers it; its id, or None when it does not."""
        ...

    async def standing(self, member_id: int) -> Standing: ...
    async def standings(self, member_ids: Sequence[int]) -> dict[int, Standing]: ...
    async def entry(self, entry_id: int) -> LedgerEntry | None: ...
    async def history(self, member_id: int, limit: int) -> list[LedgerEntry]: ...
    async def top(self, month: str | None, limit: int) -> list[BoardRow]: ...
    async def rank(self, member_id: int, month: str | None) -> BoardRow | None: ...
    async def day_states(self, since: datetime, member_ids: Sequence[int] | None) -> dict[int, DayState]:
        """Activity and kudos given since `since` (the start of today), per member."""
        ...

    async def earned_all(self) -> dict[int, int]:
        """Points earned per member, for members with any."""
        ...

    async def unlisted(self) -> set[int]:
        """Members kept off the boards (they left)."""
        ...

    async def month_totals(self, month: str) -> dict[int, int]:
        """Points earned in `month` (YYYY-MM) per member, for members with any."""
        ...

    async def set_listed(self, member_id: int, listed: bool) -> None:
        """Whether the member appears on leaderboards (members who left do not)."""
        ...

    async def week(self, since: datetime, until: datetime, limit: int) -> tuple[list[BoardRow], int]:
        """The members who earned the most from `since` to `until` (listed ones, spending aside), and how
        many kudos were given then (the newsletter's week)."""
        ...


POINTS: Key[PointsRepository] = Key("points")
