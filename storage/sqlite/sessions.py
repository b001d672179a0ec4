"""Founder sessions, their RSVPs and attendance (migration 0020). The places are the database's to keep:
an RSVP decides between a place and the waitlist in one statement, a cancel and the promotion of the first
waiting run in one transaction, and the migration's triggers and CHECK refuse any write that would
overbook or let someone ahead of those waiting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import aiosqlite

from handlers.sessions._models import Freed, Rsvp, Session, SessionDraft, SessionState, Taken
from handlers.sessions._ports import SESSIONS
from storage.sql import Database
from storage.sqlite.assembly import FeatureStorage, bind
from storage.sqlite.times import from_db, to_db

_SESSION = (
    "SELECT id, title, start, length_minutes, place, capacity, channel, code, min_level, min_points, points,"
    " announce, state, going, waiting, revision, calendar_key FROM sessions"
)


def _session(row: aiosqlite.Row) -> Session:
    return Session(
        title=row["title"],
        start=from_db(row["start"]),
        length=timedelta(minutes=row["length_minutes"]),
        place=row["place"],
        capacity=row["capacity"],
        channel=row["channel"],
        code=row["code"],
        min_level=row["min_level"],
        min_points=row["min_points"],
        points=row["points"],
        announce=bool(row["announce"]),
        id=row["id"],
        state=SessionState(row["state"]),
        going=row["going"],
        waiting=row["waiting"],
        revision=row["revision"],
        calendar_key=row["calendar_key"],
    )


class SqliteSessions:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def create(self, draft: SessionDraft, created_by: int | None, now: datetime) -> Session:
        async with self.db.transaction():
            session_id = await self.db.insert(
                "INSERT INTO sessions (community_id, title, start, length_minutes, place, capacity, channel,"
                " code, min_level, min_points, points, announce, created_by, created_at, changed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.community_id, draft.title, to_db(draft.start),
                    int(draft.length.total_seconds() // 60), draft.place, draft.capacity, draft.channel,
                    draft.code, draft.min_level, draft.min_points, draft.points, int(draft.announce),
                    created_by, to_db(now), to_db(now),
                ),
            )  # fmt: skip
            assert session_id is not None
            found = await self.session(session_id)
        assert found is not None
        return found

    async def session(self, session_id: int) -> Session | None:
        row = await self.db.fetch_one(
            f"{_SESSION} WHERE community_id = ? AND id = ?", (self.community_id, session_id)
        )
        return None if row is None else _session(row)

    async def upcoming(self, now: datetime) -> list[Session]:
        # Ends are not stored: a session lasts at most a day, so starts from a day ago are read and checked.
        rows = await self.db.fetch_all(
            f"{_SESSION} WHERE community_id = ? AND state = 'scheduled' AND start > ? ORDER BY start, id",
            (self.community_id, to_db(now - timedelta(days=1))),
        )
        return [s for s in map(_session, rows) if s.end > now]

    async def running(self, now: datetime, early: timedelta) -> list[Session]:
        rows = await self.db.fetch_all(
            f"{_SESSION} WHERE community_id = ? AND state = 'scheduled' AND start > ? AND start <= ?"
            " ORDER BY start, id",
            (self.community_id, to_db(now - timedelta(days=1)), to_db(now + early)),
        )
        return [s for s in map(_session, rows) if s.running(now, early)]

    async def states(self, session_ids: Sequence[int], member_id: int) -> dict[int, tuple[Rsvp, int]]:
        if not session_ids:
            return {}
        marks = ",".join("?" * len(session_ids))
        rows = await self.db.fetch_all(
            "SELECT r.session_id, r.state, (SELECT count(*) FROM session_rsvps w WHERE w.session_id ="
            " r.session_id AND w.state = 'waiting' AND w.seq <= r.seq) AS position FROM session_rsvps r"
            f" WHERE r.member_id = ? AND r.state != 'cancelled' AND r.session_id IN ({marks})",
            (member_id, *session_ids),
        )
        return {
            row["session_id"]: (Rsvp(row["state"]), row["position"] if row["state"] == "waiting" else 0)
            for row in rows
        }

    async def rsvp(self, session_id: int, member_id: int, now: datetime) -> Taken:
        async with self.db.transaction():
            had = (await self.states([session_id], member_id)).get(session_id)
            if had is not None:
                return Taken(had[0], had[1], new=False)
            # One statement decides: a place while one is free and nobody waits, else the waitlist's end.
            await self.db.execute(
                "INSERT INTO session_rsvps (session_id, member_id, state, seq, changed_at)"
                " SELECT s.id, ?, CASE WHEN s.going < s.capacity AND s.waiting = 0 THEN 'going'"
                " ELSE 'waiting' END,"
                " (SELECT coalesce(max(seq), 0) + 1 FROM session_rsvps WHERE session_id = s.id), ?"
                " FROM sessions s WHERE s.id = ? AND s.community_id = ?"
                " ON CONFLICT (session_id, member_id) DO UPDATE SET"
                " state = excluded.state, seq = excluded.seq, changed_at = excluded.changed_at"
                " WHERE session_rsvps.state = 'cancelled'",
                (member_id, to_db(now), session_id, self.community_id),
            )
            state, position = (await self.states([session_id], member_id))[session_id]
        return Taken(state, position)

    async def cancel(self, session_id: int, member_id: int, now: datetime) -> Freed:
        # BEGIN IMMEDIATE holds the write lock from the read on: nobody changes the places in between.
        async with self.db.transaction():
            row = await self.db.fetch_one(
                "SELECT state FROM session_rsvps"
                " WHERE session_id = ? AND member_id = ? AND state != 'cancelled'",
                (session_id, member_id),
            )
            if row is None:
                return Freed(None)
            await self.db.execute(
                "UPDATE session_rsvps SET state = 'cancelled', changed_at = ?"
                " WHERE session_id = ? AND member_id = ?",
                (to_db(now), session_id, member_id),
            )
            if row["state"] == Rsvp.WAITING:
                return Freed(Rsvp.WAITING)
            promoted = await self.db.fetch_one(
                "UPDATE session_rsvps SET state = 'going', changed_at = ?"
                " WHERE session_id = ? AND state = 'waiting' AND seq = (SELECT min(seq) FROM session_rsvps"
                "   WHERE session_id = ? AND state = 'waiting')"
                " AND (SELECT going < capacity AND state = 'scheduled' FROM sessions WHERE id = ?)"
                " RETURNING member_id",
                (to_db(now), session_id, session_id, session_id),
            )
        return Freed(Rsvp.GOING, None if promoted is None else int(promoted["member_id"]))

    async def _members(self, session_id: int, state: str) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM session_rsvps WHERE session_id = ? AND state = ? ORDER BY seq",
            (session_id, state),
        )
        return [row[0] for row in rows]

    async def attendees(self, session_id: int) -> list[int]:
        return await self._members(session_id, "going")

    async def waitlist(self, session_id: int) -> list[int]:
        return await self._members(session_id, "waiting")

    async def move(self, session_id: int, start: datetime, now: datetime) -> Session | None:
        async with self.db.transaction():
            changed = await self.db.execute(
                "UPDATE sessions SET start = ?, revision = revision + 1, changed_at = ?"
                " WHERE community_id = ? AND id = ? AND state = 'scheduled'",
                (to_db(start), to_db(now), self.community_id, session_id),
            )
            return await self.session(session_id) if changed == 1 else None

    async def set_cancelled(self, session_id: int, now: datetime) -> bool:
        changed = await self.db.execute(
            "UPDATE sessions SET state = 'cancelled', changed_at = ?"
            " WHERE community_id = ? AND id = ? AND state = 'scheduled'",
            (to_db(now), self.community_id, session_id),
        )
        return changed == 1

    async def attend(self, session_id: int, member_id: int, marked_by: int | None, now: datetime) -> bool:
        changed = await self.db.execute(
            "INSERT OR IGNORE INTO session_attendance (session_id, member_id, marked_by, marked_at)"
            " VALUES (?, ?, ?, ?)",
            (session_id, member_id, marked_by, to_db(now)),
        )
        return changed == 1

    async def attended(self, session_id: int) -> list[int]:
        rows = await self.db.fetch_all(
            "SELECT member_id FROM session_attendance WHERE session_id = ? ORDER BY marked_at, member_id",
            (session_id,),
        )
        return [row[0] for row in rows]


# Two members merged: one RSVP per session (the target's where both had one; a place the source held then
# is freed without promotion, a rare case a moderator sees in SESSION <n>), one attendance record each.
STORAGE = FeatureStorage(
    repositories=(bind(SESSIONS, SqliteSessions),),
    migrations=("0020_sessions",),
    merge_steps=(
        # Of two RSVPs to one session the better stays (a place, else a waitlist place, else a cancel).
        "DELETE FROM session_rsvps WHERE member_id = :target AND session_id IN ("
        " SELECT s.session_id FROM session_rsvps s WHERE s.member_id = :source"
        "  AND s.session_id = session_rsvps.session_id"
        "  AND (s.state = 'going' AND session_rsvps.state != 'going'"
        "   OR s.state = 'waiting' AND session_rsvps.state = 'cancelled'))",
        "DELETE FROM session_rsvps WHERE member_id = :source"
        " AND session_id IN (SELECT session_id FROM session_rsvps WHERE member_id = :target)",
        "UPDATE session_rsvps SET member_id = :target WHERE member_id = :source",
        # One member with two places now holds one: the place freed goes to the first who waits (the
        # database's queue triggers check the order).
        "UPDATE session_rsvps SET state = 'going', changed_at = :now WHERE (session_id, seq) IN ("
        " SELECT s.id,"
        "  (SELECT min(w.seq) FROM session_rsvps w WHERE w.session_id = s.id AND w.state = 'waiting')"
        " FROM sessions s WHERE s.community_id = :community AND s.state = 'scheduled' AND s.start > :now"
        "  AND s.going < s.capacity AND s.waiting > 0)",
        "DELETE FROM session_attendance WHERE member_id = :source"
        " AND session_id IN (SELECT session_id FROM session_attendance WHERE member_id = :target)",
        "UPDATE session_attendance SET member_id = :target WHERE member_id = :source",
        "UPDATE session_attendance SET marked_by = :target WHERE marked_by = :source",
        "UPDATE sessions SET created_by = :target WHERE community_id = :community AND created_by = :source",
    ),
)
