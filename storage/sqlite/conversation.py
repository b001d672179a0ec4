"""Per-person conversation state: offered choices and inbound messages already handled."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from handlers.models import Choice, Identity
from storage.sql import Database
from storage.sqlite.times import to_db


class SqliteChoices:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def offer(self, identity: Identity, choices: Sequence[Choice], now: datetime) -> None:
        # A typed choice (a score, answered by its label) says so; the others stay [label, command].
        payload = json.dumps([[c.label, c.command, *([True] if c.typed else [])] for c in choices])
        await self.db.execute(
            "INSERT INTO offered_choices (community_id, identity, choices, offered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (community_id, identity)"
            " DO UPDATE SET choices = excluded.choices, offered_at = excluded.offered_at",
            (self.community_id, str(identity), payload, to_db(now)),
        )

    async def pending(self, identity: Identity, since: datetime) -> list[Choice]:
        row = await self.db.fetch_one(
            "SELECT choices FROM offered_choices WHERE community_id = ? AND identity = ? AND offered_at >= ?",
            (self.community_id, str(identity), to_db(since)),
        )
        if row is None:
            return []
        return [Choice(label, command, typed=bool(rest)) for label, command, *rest in json.loads(row[0])]

    async def clear(self, identity: Identity) -> None:
        await self.db.execute(
            "DELETE FROM offered_choices WHERE community_id = ? AND identity = ?",
            (self.community_id, str(identity)),
        )


class SqliteInbox:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def first_time(self, identity: Identity, message_id: str, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO inbox (community_id, source, identity, received_at) VALUES (?, ?, ?, ?)",
            (self.community_id, f"{identity.platform}:{message_id}", str(identity), to_db(now)),
        )
        return changed == 1
