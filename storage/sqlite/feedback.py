"""Ideas, their status and their backers (migration 0016)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from handlers.feedback._models import Idea, IdeaStatus
from handlers.feedback._ports import IDEAS
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, to_db

_IDEA = (
    "SELECT i.id, i.member_id, m.handle, i.text, i.status, i.note, i.backers, i.created_at FROM ideas i"
    " JOIN members m ON m.id = i.member_id"
)


def _idea(row: aiosqlite.Row) -> Idea:
    return Idea(row[0], row[1], row[2], row[3], IdeaStatus(row[4]), row[5], row[6], from_db(row[7]))


class SqliteIdeas:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def add(self, member_id: int, text: str, now: datetime) -> Idea:
        async with self.db.transaction():
            idea_id = await self.db.insert(
                "INSERT INTO ideas (community_id, member_id, text, created_at) VALUES (?, ?, ?, ?)",
                (self.community_id, member_id, text, to_db(now)),
            )
            assert idea_id is not None
            found = await self.idea(idea_id)
        assert found is not None
        return found

    async def idea(self, idea_id: int) -> Idea | None:
        row = await self.db.fetch_one(
            f"{_IDEA} WHERE i.community_id = ? AND i.id = ?", (self.community_id, idea_id)
        )
        return None if row is None else _idea(row)

    async def most_backed(self, limit: int) -> list[Idea]:
        rows = await self.db.fetch_all(
            f"{_IDEA} WHERE i.community_id = ? AND i.status IN ('new', 'planned') AND i.text <> ''"
            " ORDER BY i.backers DESC, i.id DESC LIMIT ?",
            (self.community_id, limit),
        )
        return [_idea(row) for row in rows]

    async def back(self, idea_id: int, member_id: int, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO idea_backers (idea_id, member_id, backed_at) VALUES (?, ?, ?)",
            (idea_id, member_id, to_db(now)),
        )
        return changed == 1

    async def unback(self, idea_id: int, member_id: int) -> bool:
        changed = await self.db.execute(
            "DELETE FROM idea_backers WHERE idea_id = ? AND member_id = ?", (idea_id, member_id)
        )
        return changed == 1

    async def backed(self, member_id: int, idea_ids: Sequence[int]) -> set[int]:
        if not idea_ids:
            return set()
        marks = ",".join("?" * len(idea_ids))
        rows = await self.db.fetch_all(
            f"SELECT idea_id FROM idea_backers WHERE member_id = ? AND idea_id IN ({marks})",
            (member_id, *idea_ids),
        )
        return {row[0] for row in rows}

    async def backers(self, idea_id: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM idea_backers WHERE idea_id = ? ORDER BY backed_at, member_id", (idea_id,)
        )
        return [row[0] for row in rows]

    async def set_status(
        self, idea_id: int, status: IdeaStatus, note: str | None, by: int | None, now: datetime
    ) -> bool:
        changed = await self.db.execute(
            "UPDATE ideas SET status = ?, note = ?, changed_by = ?, changed_at = ?"
            " WHERE community_id = ? AND id = ? AND status <> ?",
            (status.value, note, by, to_db(now), self.community_id, idea_id, status.value),
        )
        return changed == 1

    async def shipped_between(self, since: datetime, until: datetime) -> list[Idea]:
        rows = await self.db.fetch_all(
            f"{_IDEA} WHERE i.community_id = ? AND i.status = 'shipped' AND i.changed_at >= ?"
            " AND i.changed_at < ? AND i.text <> '' ORDER BY i.changed_at, i.id",
            (self.community_id, to_db(since), to_db(until)),
        )
        return [_idea(row) for row in rows]


# Two members merged (linked identities): one backing per idea. Where both backed it, the member who carries
# on keeps theirs; the other's move over; the ideas move too, and a backing of what is now one's own idea
# goes (the triggers keep every count). Forgotten: an author's words go; status, backers and credits stay.
STORAGE = FeatureStorage(
    repositories=(bind(IDEAS, SqliteIdeas),),
    migrations=("0016_feedback", "0018_feedback_rules"),
    merge_steps=(
        "DELETE FROM idea_backers WHERE member_id = :source"
        " AND idea_id IN (SELECT idea_id FROM idea_backers WHERE member_id = :target)",
        "UPDATE idea_backers SET member_id = :target WHERE member_id = :source",
        "UPDATE ideas SET member_id = :target WHERE community_id = :community AND member_id = :source",
        "DELETE FROM idea_backers WHERE member_id = :target"
        " AND idea_id IN (SELECT id FROM ideas WHERE member_id = :target)",
        "UPDATE ideas SET changed_by = :target WHERE community_id = :community AND changed_by = :source",
    ),
    forget_steps=("UPDATE ideas SET text = '' WHERE community_id = :community AND member_id = :member",),
)
