"""Where each platform put a live post (migration 0014): the adapters that edit posts read and write it."""

from __future__ import annotations

from datetime import datetime

from storage.sql import Database
from storage.sqlite.times import to_db


class SqliteLivePosts:
    def __init__(self, db: Database, community_id: int, platform: str) -> None:
        self.db = db
        self.community_id = community_id
        self.platform = platform

    async def remember(self, board: str, location: str, now: datetime) -> None:
        """The first post under a key stays the one that is edited (a replayed post does not move it)."""
        async with self.db.transaction():
            await self.db.execute(
                "INSERT OR IGNORE INTO live_posts (community_id, board, platform, location, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.community_id, board, self.platform, location, to_db(now)),
            )

    async def find(self, board: str) -> str | None:
        row = await self.db.fetch_one(
            "SELECT location FROM live_posts WHERE community_id = ? AND board = ? AND platform = ?",
            (self.community_id, board, self.platform),
        )
        return None if row is None else str(row[0])

    async def forget(self, board: str) -> None:
        async with self.db.transaction():
            await self.db.execute(
                "DELETE FROM live_posts WHERE community_id = ? AND board = ? AND platform = ?",
                (self.community_id, board, self.platform),
            )
