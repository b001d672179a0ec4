"""The outbox of every platform (migration 0008): rows written in the units of work's transactions, and the
dispatcher's progress marks, committed on a connection of their own."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime

import aiosqlite

from handlers.delivery import (
    DeliveryState,
    MessageKind,
    Outcome,
    Outgoing,
    Queued,
    reply_from_json,
    reply_to_json,
)
from handlers.models import Identity
from storage.sqlite.database import Database
from storage.sqlite.times import to_db

INSERT = (
    "INSERT INTO deliveries (community_id, kind, recipient, member_id, channel, payload, next_attempt_at,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_COLUMNS = "id, kind, recipient, member_id, channel, payload, attempts"
_claims = itertools.count(1)


def params(community_id: int, message: Outgoing, now: str) -> tuple[object, ...]:
    """The INSERT's parameters for one message (`now` already in the database's form)."""
    recipient = None if message.to is None else str(message.to)
    return (
        community_id, message.kind.value, recipient, message.member_id, message.channel,
        reply_to_json(message.reply), now, now, now,
    )  # fmt: skip


def _queued(row: aiosqlite.Row) -> Queued:
    return Queued(
        id=row["id"],
        kind=MessageKind(row["kind"]),
        reply=reply_from_json(row["payload"]),
        to=None if row["recipient"] is None else Identity.parse(row["recipient"]),
        member_id=row["member_id"],
        channel=row["channel"],
        attempts=row["attempts"],
    )


class SqliteDeliveries:
    """Written on the shared connection, inside the unit of work's transaction."""

    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def add(self, messages: Sequence[Outgoing], now: datetime) -> list[int]:
        moment = to_db(now)
        ids = []
        for message in messages:
            row_id = await self.db.insert(INSERT, params(self.community_id, message, moment))
            assert row_id is not None
            ids.append(row_id)
        return ids


class SqliteDeliveryLog:
    """The dispatcher's marks, each committed at once on its own connection (never inside a command's)."""

    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def read(self, ids: Sequence[int]) -> list[Queued]:
        marks = ",".join("?" * len(ids))
        rows = await self.db.fetch_all(
            f"SELECT {_COLUMNS} FROM deliveries WHERE community_id = ? AND state = 'pending'"
            f" AND id IN ({marks}) ORDER BY id",
            (self.community_id, *ids),
        )
        return [_queued(row) for row in rows]

    async def claim(self, plan: Sequence[tuple[int, str | None]], now: datetime) -> set[int]:
        claim, moment = next(_claims), to_db(now)
        async with self.db.transaction():
            await self.db.execute_many(
                "UPDATE deliveries SET state = 'sending', claim = ?, platform = ?, attempts = attempts + 1,"
                " updated_at = ? WHERE id = ? AND state = 'pending'",
                [(claim, platform, moment, row_id) for row_id, platform in plan],
            )
        rows = await self.db.fetch_all("SELECT id FROM deliveries WHERE claim = ?", (claim,))
        return {row[0] for row in rows}

    async def due(self, now: datetime, limit: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT id FROM deliveries WHERE community_id = ? AND state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY id LIMIT ?",
            (self.community_id, to_db(now), limit),
        )
        return [row[0] for row in rows]

    async def settle(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        moment = to_db(now)
        async with self.db.transaction():
            await self.db.execute_many(
                "UPDATE deliveries SET state = ?, note = ?, next_attempt_at = coalesce(?, next_attempt_at),"
                " claim = NULL, updated_at = ? WHERE id = ?",
                [
                    (o.state.value, o.note, None if o.retry_at is None else to_db(o.retry_at), moment, o.id)
                    for o in outcomes
                ],
            )

    async def interrupted(self, retried: frozenset[str], now: datetime) -> tuple[int, int]:
        moment = to_db(now)
        platforms = ",".join("?" * len(retried)) or "''"
        async with self.db.transaction():
            again = await self.db.execute(
                "UPDATE deliveries SET state = 'pending', claim = NULL, updated_at = ?"
                f" WHERE community_id = ? AND state = 'sending' AND platform IN ({platforms})",
                (moment, self.community_id, *sorted(retried)),
            )
            unknown = await self.db.execute(
                "UPDATE deliveries SET state = 'unknown', claim = NULL, updated_at = ?,"
                " note = 'interrupted while sending: it may or may not have arrived; not resent'"
                " WHERE community_id = ? AND state = 'sending'",
                (moment, self.community_id),
            )
        return unknown, again

    async def state_of(self, delivery_id: int) -> DeliveryState | None:
        row = await self.db.fetch_one("SELECT state FROM deliveries WHERE id = ?", (delivery_id,))
        return None if row is None else DeliveryState(row[0])
