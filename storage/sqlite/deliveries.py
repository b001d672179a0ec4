"""The outbox of every platform (migration 0008): rows written in the units of work's transactions, and the
dispatcher's progress marks, committed in transactions of their own."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Sequence
from datetime import datetime

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
from storage.sql import Database
from storage.sqlite.times import to_db

INSERT = (
    "INSERT INTO deliveries (community_id, kind, recipient, member_id, channel, payload, next_attempt_at,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_WITH_ID = (
    "INSERT INTO deliveries (id, community_id, kind, recipient, member_id, channel, payload, next_attempt_at,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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


def _queued(row: sqlite3.Row) -> Queued:
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

    async def add(self, messages: Sequence[Outgoing], now: datetime) -> list[Queued]:
        moment = to_db(now)
        rows = []
        for message in messages:
            row_id = await self.db.insert(INSERT, params(self.community_id, message, moment))
            assert row_id is not None
            rows.append(message.queued(row_id))
        return rows


class SqliteDeliveryLog:
    """The dispatcher's marks: each a short transaction of its own (never inside a command's), run on the
    writer connection on the event loop's thread between the other transactions (Database.run_transaction
    with marks=True): nothing inside suspends, so it never holds SQLite's lock while the loop is busy
    elsewhere."""

    CLAIM = (
        # NOT INDEXED: rows by their ids (the rowid). With statistics taken while the queue was short,
        # SQLite would otherwise walk the whole pending index for every batch of a long one.
        "UPDATE deliveries NOT INDEXED SET state = 'sending', claim = ?, platform = ?,"
        " attempts = attempts + 1, updated_at = ? WHERE id IN ({marks}) AND state = 'pending' RETURNING id"
    )
    """Claims the rows of the ids still pending; returns those (a row claimed by another is not pending)."""

    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def claim(self, plan: Sequence[tuple[int, str | None]], now: datetime) -> set[int]:
        claim, moment = next(_claims), to_db(now)
        by_platform: dict[str | None, list[int]] = {}
        for row_id, platform in plan:
            by_platform.setdefault(platform, []).append(row_id)

        async def work() -> set[int]:
            mine: set[int] = set()
            for platform, ids in by_platform.items():  # one statement per platform (usually one in all)
                # A row another dispatcher claimed first is no longer pending, so not returned: not ours.
                sql = self.CLAIM.format(marks=",".join("?" * len(ids)))
                mine.update(row[0] for row in await self.db.fetch_all(sql, (claim, platform, moment, *ids)))
            return mine

        return await self.db.run_transaction(work, marks=True)

    async def due(self, now: datetime, limit: int) -> list[Queued]:
        sql = (
            f"SELECT {_COLUMNS} FROM deliveries WHERE community_id = ? AND state = 'pending'"
            " AND next_attempt_at <= ? ORDER BY id LIMIT ?"
        )

        async def work() -> list[Queued]:
            rows = await self.db.fetch_all(sql, (self.community_id, to_db(now), limit))
            return [_queued(row) for row in rows]

        return await self.db.run_transaction(work, marks=True)

    async def settle(self, outcomes: Sequence[Outcome], now: datetime) -> None:
        moment = to_db(now)
        sent = [o.id for o in outcomes if o.state is DeliveryState.SENT and o.note is None]
        others = [
            (o.state.value, o.note, None if o.retry_at is None else to_db(o.retry_at), moment, o.id)
            for o in outcomes
            if not (o.state is DeliveryState.SENT and o.note is None)
        ]

        async def work() -> None:
            if sent:  # the usual outcome, for the whole batch in one statement
                marks = ",".join("?" * len(sent))
                await self.db.execute(
                    "UPDATE deliveries SET state = 'sent', claim = NULL, updated_at = ?"
                    f" WHERE id IN ({marks})",
                    (moment, *sent),
                )
            await self.db.execute_many(
                "UPDATE deliveries SET state = ?, note = ?, next_attempt_at = coalesce(?, next_attempt_at),"
                " claim = NULL, updated_at = ? WHERE id = ?",
                others,
            )

        await self.db.run_transaction(work, marks=True)

    async def interrupted(self, retried: frozenset[str], now: datetime) -> tuple[int, int]:
        moment = to_db(now)
        platforms = ",".join("?" * len(retried)) or "''"

        async def work() -> tuple[int, int]:
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

        return await self.db.run_transaction(work, marks=True)
