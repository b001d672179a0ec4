"""What each member has earned (all-time and this month) and where that puts them on the boards.

Kept in memory by the points engine: level changes are judged against these totals and ranks are
answered from them in O(log n). Changes are applied to the rank indexes lazily, when a rank is asked for,
so the busy chat path only adds to a dict.
"""

from __future__ import annotations

from handlers.points._ports import PointsRepository
from handlers.points._ranking import RankIndex


class Boards:
    def __init__(self, repo: PointsRepository) -> None:
        self.repo = repo
        self._earned: dict[int, int] = {}
        self._board = RankIndex()
        self._month = ""
        self._month_earned: dict[int, int] = {}
        self._month_board = RankIndex()
        self._unlisted: set[int] = set()
        self._dirty: set[int] = set()

    async def load(self, month: str) -> None:
        self._earned = await self.repo.earned_all()
        self._unlisted = await self.repo.unlisted()
        self._board = RankIndex.of(self._listed(self._earned))
        await self._load_month(month)

    def earned(self, member_id: int) -> int:
        return self._earned.get(member_id, 0)

    def add(self, member_id: int, delta: int, month: str) -> None:
        """Points earned (durable already) in `month`."""
        self._earned[member_id] = self._earned.get(member_id, 0) + delta
        if month == self._month:
            self._month_earned[member_id] = self._month_earned.get(member_id, 0) + delta
        self._dirty.add(member_id)

    def set_listed(self, member_id: int, listed: bool) -> None:
        """Whether the member appears on the boards (members who left do not)."""
        if listed:
            self._unlisted.discard(member_id)
        else:
            self._unlisted.add(member_id)
        self._dirty.add(member_id)

    def merged(self, source_id: int, target_id: int) -> None:
        """Two members became one (LINK): the target's totals now include the source's."""
        for totals in (self._earned, self._month_earned):
            totals[target_id] = totals.get(target_id, 0) + totals.pop(source_id, 0)
        self._dirty.update((source_id, target_id))

    async def rank(self, member_id: int, month: str | None = None) -> tuple[int, int] | None:
        """(rank, points) on the all-time board, or on `month`'s (the current month)."""
        board = await self._current(month)
        place = board.rank(member_id)
        return None if place is None else (place, board.points(member_id) or 0)

    async def top(self, limit: int, month: str | None = None) -> list[tuple[int, int]]:
        """The leaders as (member, points), all-time or `month`'s (the current month)."""
        return (await self._current(month)).top(limit)

    async def _current(self, month: str | None) -> RankIndex:
        if month is not None and month != self._month:
            await self._load_month(month)
        for dirty in self._dirty:
            listed = dirty not in self._unlisted
            self._board.set(dirty, self._earned.get(dirty) if listed else None)
            self._month_board.set(dirty, self._month_earned.get(dirty) if listed else None)
        self._dirty.clear()
        return self._month_board if month is not None else self._board

    async def _load_month(self, month: str) -> None:
        self._month = month
        self._month_earned = await self.repo.month_totals(month)
        self._month_board = RankIndex.of(self._listed(self._month_earned))

    def _listed(self, totals: dict[int, int]) -> dict[int, int]:
        return {member: points for member, points in totals.items() if member not in self._unlisted}
