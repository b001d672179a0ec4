"""Broadcasts and their deliveries, one row per member (migration 0021): the kernel's, for every feature
that broadcasts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

import aiosqlite

from handlers.broadcast import BROADCASTS, Broadcast
from handlers.delivery import MessageKind, reply_from_json, reply_to_json
from handlers.models import Reply
from storage.sql import Database
from storage.sqlite.assembly import bind
from storage.sqlite.times import from_db, from_db_optional, to_db

_COLUMNS = "id, key, platform, kind, messages, created_at, finished_at"


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    messages = {language: reply_from_json(text) for language, text in json.loads(row["messages"]).items()}
    return Broadcast(
        id=row["id"],
        key=row["key"],
        platform=row["platform"],
        kind=MessageKind(row["kind"]),
        messages=messages,
        created_at=from_db(row["created_at"]),
        finished_at=from_db_optional(row["finished_at"]),
    )


class SqliteBroadcasts:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def open(
        self, key: str, platform: str, kind: MessageKind, messages: Mapping[str, Reply], now: datetime
    ) -> tuple[Broadcast, bool]:
        encoded = json.dumps({language: reply_to_json(r) for language, r in messages.items()})
        async with self.db.transaction():
            made = await self.db.execute(
                "INSERT OR IGNORE INTO broadcasts (community_id, key, platform, kind, messages, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (self.community_id, key, platform, kind.value, encoded, to_db(now)),
            )
            found = await self.by_key(key)
        assert found is not None
        return found, made == 1

    async def broadcast(self, broadcast_id: int) -> Broadcast | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE community_id = ? AND id = ?",
            (self.community_id, broadcast_id),
        )
        return None if row is None else _broadcast(row)

    async def by_key(self, key: str) -> Broadcast | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM broadcasts WHERE community_id = ? AND key = ?", (self.community_id, key)
        )
        return None if row is None else _broadcast(row)

    async def record(self, broadcast_id: int, member_ids: Sequence[int], now: datetime) -> set[int]:
        if not member_ids:
            return set()
        async with self.db.transaction():
            # A page is a range of member ids: the members it reached before are read in one range scan.
            rows = await self.db.fetch_all(
                "SELECT member_id FROM broadcast_deliveries"
                " WHERE broadcast_id = ? AND member_id BETWEEN ? AND ?",
                (broadcast_id, min(member_ids), max(member_ids)),
            )
            before = {row[0] for row in rows}
            fresh = [m for m in member_ids if m not in before]
            # A plain INSERT: were a member written twice, the primary key would refuse the whole page.
            await self.db.execute_many(
                "INSERT INTO broadcast_deliveries (broadcast_id, member_id, sent_at) VALUES (?, ?, ?)",
                [(broadcast_id, member_id, to_db(now)) for member_id in fresh],
            )
        return set(fresh)

    async def reached(self, broadcast_id: int) -> int:
        row = await self.db.fetch_one(
            "SELECT count(*) FROM broadcast_deliveries WHERE broadcast_id = ?", (broadcast_id,)
        )
        return 0 if row is None else int(row[0])

    async def finish(self, broadcast_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE broadcasts SET finished_at = coalesce(finished_at, ?) WHERE community_id = ? AND id = ?",
            (to_db(now), self.community_id, broadcast_id),
        )


BINDING = bind(BROADCASTS, SqliteBroadcasts)

MERGE_STEPS = (
    # One member, one delivery: what either was sent counts for the member that carries on.
    "INSERT OR IGNORE INTO broadcast_deliveries (broadcast_id, member_id, sent_at)"
    " SELECT broadcast_id, :target, sent_at FROM broadcast_deliveries WHERE member_id = :source",
    "DELETE FROM broadcast_deliveries WHERE member_id = :source",
)
