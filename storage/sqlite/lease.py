"""The scheduler lease (migration 0019): which process runs scheduled work against this database.

Taken and renewed in one statement, committed at once in a transaction of its own (never inside a unit of
work that could roll it back): the holder's row is kept while it renews; another process may take it over
only once it has expired."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from handlers.ports import LeaseHolder
from storage.sql import Database
from storage.sqlite.backup import LeaseRow
from storage.sqlite.times import from_db, to_db

NAME = "scheduler"

_TAKE = (
    "INSERT INTO scheduler_lease (name, holder, expires_at, acquired_at)"
    " VALUES (:name, :holder, :expires, :now)"
    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,"
    "  acquired_at = CASE WHEN scheduler_lease.holder = excluded.holder THEN scheduler_lease.acquired_at"
    "   ELSE excluded.acquired_at END"
    " WHERE scheduler_lease.holder = excluded.holder OR scheduler_lease.expires_at < :now"
)


class SqliteLease:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def acquire(self, holder: str, now: datetime, ttl: timedelta) -> LeaseHolder | None:
        values = {"name": NAME, "holder": holder, "expires": to_db(now + ttl), "now": to_db(now)}

        async def take() -> aiosqlite.Row | None:
            await self.db.execute(_TAKE, values)
            return await self.db.fetch_one(
                "SELECT holder, expires_at, acquired_at FROM scheduler_lease WHERE name = ?", (NAME,)
            )

        row = await self.db.run_transaction(take)
        if row is None or row[0] == holder:
            return None
        return LeaseHolder(row[0], from_db(row[1]), from_db(row[2]))

    async def take_over(self, holder: str, dead: str, now: datetime, ttl: timedelta) -> bool:
        values = (holder, to_db(now + ttl), to_db(now), NAME, dead)

        async def take() -> int:
            return await self.db.execute(
                "UPDATE scheduler_lease SET holder = ?, expires_at = ?, acquired_at = ?"
                " WHERE name = ? AND holder = ?",
                values,
            )

        return await self.db.run_transaction(take) == 1

    async def row(self) -> LeaseRow | None:
        """Who holds the lease and until when, as recorded (None: nobody ever did)."""
        row = await self.db.fetch_one(
            "SELECT holder, expires_at FROM scheduler_lease WHERE name = ?", (NAME,)
        )
        return None if row is None else LeaseRow(row[0], from_db(row[1]))

    async def release(self, holder: str) -> None:
        async def drop() -> None:
            await self.db.execute("DELETE FROM scheduler_lease WHERE name = ? AND holder = ?", (NAME, holder))

        await self.db.run_transaction(drop)
