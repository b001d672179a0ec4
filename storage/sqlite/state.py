"""Small per-community state: the community row itself and the console's simulated clock."""

from __future__ import annotations

from datetime import datetime

from storage.sql import Database
from storage.sqlite.times import from_db, to_db


async def ensure_community(db: Database, slug: str, now: datetime) -> int:
    """The id of the community named `slug`, created on first use."""
    async with db.transaction():
        await db.execute(
            "INSERT OR IGNORE INTO communities (slug, created_at) VALUES (?, ?)", (slug, to_db(now))
        )
        row = await db.fetch_one("SELECT id FROM communities WHERE slug = ?", (slug,))
    assert row is not None
    return int(row["id"])


class SqliteClockState:
    """Where the console's simulated time is kept, so that it never runs backwards."""

    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def load(self) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT simulated_now FROM clock_state WHERE community_id = ?", (self.community_id,)
        )
        return None if row is None else from_db(row[0])

    async def save(self, moment: datetime) -> None:
        # max(): two console sessions on one database never move the stored time backwards.
        async with self.db.transaction():
            await self.db.execute(
                "INSERT INTO clock_state (community_id, simulated_now) VALUES (?, ?)"
                " ON CONFLICT (community_id) DO UPDATE"
                " SET simulated_now = max(simulated_now, excluded.simulated_now)",
                (self.community_id, to_db(moment)),
            )
