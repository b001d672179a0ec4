"""The intake: messages stored on arrival (an answered webhook) until the core has handled them.

Any process stores; the scheduler's leader handles every row (handlers/intake.py says why), so `seq` is
also how the leader finds rows another process stored: they become visible in seq order, because every
unit of work holds the one writer (SQLite's lock, PostgreSQL's writers' advisory lock) from taking its seq
to its COMMIT."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from handlers.events import DirectMessage
from handlers.models import Attachment, Identity, Role
from handlers.ports import Received
from storage.sql import Database
from storage.sqlite.times import to_db


class SqliteIntake:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def put(self, message: DirectMessage, now: datetime) -> int | None:
        if message.event_id is None:
            raise ValueError(
                "only messages with the platform's id are stored: it is what makes a replay once"
            )
        return await self.db.insert(
            "INSERT OR IGNORE INTO intake (community_id, source, identity, body, details, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.community_id,
                f"{message.identity.platform}:{message.event_id}",
                str(message.identity),
                message.text,
                _details(message),
                to_db(now),
            ),
        )

    async def pending(self, after: int = 0) -> list[Received]:
        rows = await self.db.fetch_all(
            "SELECT seq, source, identity, body, details FROM intake WHERE community_id = ? AND seq > ?"
            " ORDER BY seq",
            (self.community_id, after),
        )
        return [Received(row[0], _message(row[1], row[2], row[3], row[4])) for row in rows]

    async def count(self) -> int:
        sql = "SELECT count(*) FROM intake WHERE community_id = ?"
        row = await self.db.fetch_one(sql, (self.community_id,))
        return int(row[0]) if row is not None else 0

    async def handled(self, seqs: Sequence[int]) -> None:
        await self.db.execute_many(
            "DELETE FROM intake WHERE community_id = ? AND seq = ?", [(self.community_id, s) for s in seqs]
        )

    async def listen(self, wake: Callable[[], None]) -> None:
        """Nothing to listen to: one process per SQLite file stores and handles (the poll covers a second
        one, started by mistake or during a hand-over)."""

    async def unlisten(self) -> None:
        pass


def _details(message: DirectMessage) -> str:
    """What most messages lack, only when present (a WhatsApp message is usually text alone)."""
    details: dict[str, Any] = {}
    if message.display_name is not None:
        details["name"] = message.display_name
    if message.attachments:
        details["media"] = [[a.url, a.content_type] for a in message.attachments]
    if message.mentions:
        details["mentions"] = {token: str(who) for token, who in message.mentions.items()}
    if message.platform_role is not Role.EVERYONE:
        details["role"] = int(message.platform_role)
    if message.locale is not None:
        details["locale"] = message.locale
    return json.dumps(details, ensure_ascii=False) if details else "{}"


def _message(source: str, identity: str, body: str, details_json: str) -> DirectMessage:
    details = json.loads(details_json)
    return DirectMessage(
        Identity.parse(identity),
        body,
        event_id=source.partition(":")[2],
        display_name=details.get("name"),
        mentions={token: Identity.parse(who) for token, who in details.get("mentions", {}).items()},
        attachments=tuple(Attachment(url, kind) for url, kind in details.get("media", [])),
        platform_role=Role(details.get("role", 0)),
        locale=details.get("locale"),
    )
