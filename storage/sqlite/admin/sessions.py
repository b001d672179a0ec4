"""Founder sessions and their RSVPs for the dashboard (places, waitlist order and who came)."""

from __future__ import annotations

from typing import Any

from storage.sql import Database
from storage.sqlite.admin.rows import PAGE, RsvpRow, SessionRow
from storage.sqlite.times import from_db

_SESSION = (
    "SELECT id, title, start, length_minutes, place, capacity, going, waiting, state, points FROM sessions"
)


def _session(r: Any) -> SessionRow:
    return SessionRow(
        int(r[0]), str(r[1]), from_db(r[2]), int(r[3]), str(r[4]), int(r[5]), int(r[6]), int(r[7]), str(r[8]),
        int(r[9]),
    )  # fmt: skip


class SqliteSessionReads:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def sessions(self, offset: int = 0) -> list[SessionRow]:
        """Up to PAGE + 1 sessions, the latest start first."""
        rows = await self.db.fetch_all(
            f"{_SESSION} WHERE community_id = ? ORDER BY start DESC, id DESC LIMIT ? OFFSET ?",
            (self.community_id, PAGE + 1, offset),
        )
        return [_session(r) for r in rows]

    async def session(self, session_id: int) -> SessionRow | None:
        row = await self.db.fetch_one(
            f"{_SESSION} WHERE community_id = ? AND id = ?", (self.community_id, session_id)
        )
        return None if row is None else _session(row)

    async def rsvps(self, session_id: int, offset: int = 0) -> list[RsvpRow]:
        """Up to PAGE + 1 RSVPs: those going, then the waitlist in its order, then those who cancelled."""
        rows = await self.db.fetch_all(
            "SELECT m.handle, r.state, r.seq, r.changed_at, a.member_id IS NOT NULL"
            " FROM session_rsvps r JOIN members m ON m.id = r.member_id"
            " LEFT JOIN session_attendance a ON a.session_id = r.session_id AND a.member_id = r.member_id"
            " WHERE r.session_id = ?"
            " ORDER BY CASE r.state WHEN 'going' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, r.seq"
            " LIMIT ? OFFSET ?",
            (session_id, PAGE + 1, offset),
        )
        return [RsvpRow(str(r[0]), str(r[1]), int(r[2]), from_db(r[3]), bool(r[4])) for r in rows]
