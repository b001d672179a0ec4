"""The ledger for the dashboard: a page of entries newest first, filtered by member, kind and time, each
filter on its own index (named, so the planner never walks five million entries for a rare kind), and the
same rows in chunks for a CSV export that streams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, LedgerCursor, LedgerFilter, LedgerPage, LedgerRow
from storage.sqlite.times import from_db, to_db

EXPORT_CHUNK = 5000
"""Entries read per query of an export: each read is one call, so no snapshot is held between chunks."""


def _row(row: Any) -> LedgerRow:
    return LedgerRow(
        id=int(row[0]),
        member_id=int(row[1]),
        handle=str(row[2]),
        delta=int(row[3]),
        kind=str(row[4]),
        reason=str(row[5]),
        actor_identity=row[6],
        source=str(row[7]),
        created_at=from_db(str(row[8])),
        reverses=row[9],
    )


class SqliteLedgerReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    def _query(
        self, where: LedgerFilter, after: LedgerCursor | None, limit: int
    ) -> tuple[str, dict[str, Any]]:
        params: dict[str, Any] = {"c": self.community_id, "limit": limit}
        conditions = ["l.community_id = :c"]
        if where.member_id is not None:
            index = "ledger_by_member"  # a member's entries are few beside the whole ledger
            conditions.append("l.member_id = :member")
            params["member"] = where.member_id
        elif where.kind is not None:
            index = "ledger_by_kind"
        else:
            index = "ledger_by_time"
        if where.kind is not None:
            conditions.append("l.kind = :kind")
            params["kind"] = where.kind
        if where.since is not None:
            conditions.append("l.created_at >= :since")
            params["since"] = to_db(where.since)
        if where.until is not None:
            conditions.append("l.created_at < :until")
            params["until"] = to_db(where.until)
        if after is not None:
            conditions.append("l.created_at <= :at AND (l.created_at < :at OR l.id < :id)")
            params["at"], params["id"] = to_db(after.created_at), after.id
        sql = (
            "SELECT l.id, l.member_id, m.handle, l.delta, l.kind, l.reason, l.actor_identity, l.source,"
            f" l.created_at, l.reverses FROM ledger l INDEXED BY {index} JOIN members m ON m.id = l.member_id"
            f" WHERE {' AND '.join(conditions)} ORDER BY l.created_at DESC, l.id DESC LIMIT :limit"
        )
        return sql, params

    async def page(self, where: LedgerFilter, after: LedgerCursor | None = None) -> LedgerPage:
        sql, params = self._query(where, after, PAGE + 1)
        rows = [_row(row) for row in await self.db.fetch_all(sql, params)]
        shown = tuple(rows[:PAGE])
        more = len(rows) > PAGE
        return LedgerPage(shown, LedgerCursor(shown[-1].created_at, shown[-1].id) if more else None)

    async def export(self, where: LedgerFilter) -> AsyncIterator[list[LedgerRow]]:
        """Every matching entry, newest first, EXPORT_CHUNK at a time."""
        after: LedgerCursor | None = None
        while True:
            sql, params = self._query(where, after, EXPORT_CHUNK)
            rows = [_row(row) for row in await self.db.fetch_all(sql, params)]
            if not rows:
                return
            yield rows
            if len(rows) < EXPORT_CHUNK:
                return
            after = LedgerCursor(rows[-1].created_at, rows[-1].id)
