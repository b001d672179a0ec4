"""Polls, group unlocks and ideas for the dashboard: a page of each, newest first (tallies only: nothing
here says who voted what, so an anonymous poll stays anonymous to admins too)."""

from __future__ import annotations

from collections import defaultdict

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, IdeaRow, PollRow, UnlockRow
from storage.sqlite.times import from_db, from_db_optional


class SqliteActivityReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def polls(self, offset: int = 0) -> list[PollRow]:
        """Up to PAGE + 1 polls, newest first, with their options' votes."""
        rows = await self.db.fetch_all(
            "SELECT id, question, state, anonymous, voters, deadline, closed_at, created_at"
            " FROM polls NOT INDEXED WHERE community_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (self.community_id, PAGE + 1, offset),
        )
        if not rows:
            return []
        ids = [int(row[0]) for row in rows]
        options: dict[int, list[tuple[str, int]]] = defaultdict(list)
        marks = ", ".join("?" * len(ids))
        for poll, label, votes in await self.db.fetch_all(
            f"SELECT poll_id, label, votes FROM poll_options WHERE poll_id IN ({marks})"
            " ORDER BY poll_id, position",
            tuple(ids),
        ):
            options[int(poll)].append((str(label), int(votes)))
        return [
            PollRow(
                id=int(r[0]),
                question=str(r[1]),
                state=str(r[2]),
                anonymous=bool(r[3]),
                voters=int(r[4]),
                deadline=from_db(r[5]),
                closed_at=from_db_optional(r[6]),
                created_at=from_db(r[7]),
                options=tuple(options[int(r[0])]),
            )
            for r in rows
        ]

    async def unlocks(self, offset: int = 0) -> list[UnlockRow]:
        rows = await self.db.fetch_all(
            "SELECT id, title, goal, pledges, state, deadline, reward, created_at FROM unlocks NOT INDEXED"
            " WHERE community_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            (self.community_id, PAGE + 1, offset),
        )
        return [
            UnlockRow(
                int(r[0]), str(r[1]), int(r[2]), int(r[3]), str(r[4]), from_db(r[5]), str(r[6]), from_db(r[7])
            )
            for r in rows
        ]

    async def ideas(self, status: str | None = None, offset: int = 0) -> list[IdeaRow]:
        """Up to PAGE + 1 ideas, newest first (one status's, when given)."""
        where, params = "i.community_id = ?", list[object]([self.community_id])
        if status is not None:
            where += " AND i.status = ?"
            params.append(status)
        rows = await self.db.fetch_all(
            "SELECT i.id, m.handle, i.text, i.status, i.note, i.backers, i.created_at, i.changed_at"
            f" FROM ideas i NOT INDEXED JOIN members m ON m.id = i.member_id WHERE {where}"
            " ORDER BY i.id DESC LIMIT ? OFFSET ?",
            (*params, PAGE + 1, offset),
        )
        return [
            IdeaRow(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                r[4],
                int(r[5]),
                from_db(r[6]),
                from_db_optional(r[7]),
            )
            for r in rows
        ]
