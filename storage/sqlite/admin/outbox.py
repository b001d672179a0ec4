"""What became of the bot's messages, for the dashboard: every platform's deliveries and WhatsApp's own
outbox, their states counted and their latest rows listed (never their texts: a discount code is private).

Rows waiting or being sent are counted whole through their partial indexes; settled rows are counted among
the latest WINDOW only, because the tables grow by a newsletter's worth of rows a week and a page must not
count millions of them. The latest rows are read by their rowid (NOT INDEXED): an index that starts with the
community would have them all sorted first."""

from __future__ import annotations

from typing import Any

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, DeliveryRow, StateCounts, WhatsAppRow
from storage.sqlite.times import from_db

WINDOW = 10_000
"""The latest rows whose states are counted, and where a state filter looks."""


class SqliteOutboxReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def _recent(self, table: str) -> dict[str, int]:
        rows = await self.db.fetch_all(
            f"SELECT state, count(*) FROM (SELECT state FROM {table} NOT INDEXED WHERE community_id = ?"
            " ORDER BY id DESC LIMIT ?) GROUP BY state",
            (self.community_id, WINDOW),
        )
        return {str(state): int(count) for state, count in rows}

    async def _count(self, sql: str) -> int:
        row = await self.db.fetch_one(sql, (self.community_id,))
        return 0 if row is None else int(row[0])

    async def delivery_counts(self) -> StateCounts:
        in_flight = {
            "pending": await self._count(
                "SELECT count(*) FROM deliveries INDEXED BY deliveries_due"
                " WHERE community_id = ? AND state = 'pending'"
            ),
            "sending": await self._count(
                "SELECT count(*) FROM deliveries INDEXED BY deliveries_sending"
                " WHERE community_id = ? AND state = 'sending'"
            ),
        }
        return StateCounts(in_flight, await self._recent("deliveries"), WINDOW)

    async def whatsapp_counts(self) -> StateCounts:
        in_flight = {
            "pending": await self._count(
                "SELECT count(*) FROM outbox INDEXED BY outbox_pending"
                " WHERE community_id = ? AND state = 'pending'"
            )
        }
        return StateCounts(in_flight, await self._recent("outbox"), WINDOW)

    def _window(self, table: str, state: str | None) -> tuple[str, list[Any]]:
        if state is None:
            return "", []
        return (
            " AND t.state = ? AND t.id >= (SELECT coalesce(min(id), 0) FROM"
            f" (SELECT id FROM {table} NOT INDEXED WHERE community_id = ? ORDER BY id DESC LIMIT ?))",
            [state, self.community_id, WINDOW],
        )

    async def deliveries(self, state: str | None = None, offset: int = 0) -> list[DeliveryRow]:
        """Up to PAGE + 1 deliveries, newest first (in `state`, among the latest WINDOW)."""
        extra, params = self._window("deliveries", state)
        rows = await self.db.fetch_all(
            "SELECT t.id, t.kind, coalesce(m.handle, t.recipient, '#' || t.channel), t.platform, t.state,"
            " t.note, t.attempts, t.created_at, t.updated_at"
            " FROM deliveries t NOT INDEXED LEFT JOIN members m ON m.id = t.member_id"
            f" WHERE t.community_id = ?{extra} ORDER BY t.id DESC LIMIT ? OFFSET ?",
            (self.community_id, *params, PAGE + 1, offset),
        )
        return [
            DeliveryRow(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                r[3],
                str(r[4]),
                r[5],
                int(r[6]),
                from_db(r[7]),
                from_db(r[8]),
            )
            for r in rows
        ]

    async def whatsapp(self, state: str | None = None, offset: int = 0) -> list[WhatsAppRow]:
        extra, params = self._window("outbox", state)
        rows = await self.db.fetch_all(
            "SELECT t.id, t.recipient, t.kind, t.mode, t.state, t.error_code, t.attempts, t.created_at,"
            f" t.updated_at FROM outbox t NOT INDEXED WHERE t.community_id = ?{extra}"
            " ORDER BY t.id DESC LIMIT ? OFFSET ?",
            (self.community_id, *params, PAGE + 1, offset),
        )
        return [
            WhatsAppRow(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3]),
                str(r[4]),
                r[5],
                int(r[6]),
                from_db(r[7]),
                from_db(r[8]),
            )
            for r in rows
        ]
