"""The WhatsApp outbox (every outbound message, written before it is sent) and the 24-hour windows."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from handlers.delivery import reply_from_json
from handlers.models import Identity, Reply
from storage.sql import Database
from storage.sqlite.marks import Marks
from storage.sqlite.times import from_db, from_db_optional, to_db

FINAL_STATES = ("sent", "failed", "skipped", "unknown")
# Twilio's delivery statuses can arrive out of order: a later status never overwrites a further one.
_STATUS_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "read": 4,
    "failed": 5,
    "undelivered": 5,
    "canceled": 5,
}


@dataclass(frozen=True)
class NewOutbound:
    sender: str
    recipient: Identity
    kind: str
    mode: str
    """`text` (free-form, inside the window) or `template` (ContentSid + ContentVariables)."""
    body: str
    parts_total: int = 1
    content_sid: str | None = None
    content_variables: str | None = None
    state: str = "pending"
    note: str | None = None
    retry_of: int | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    sender: str
    recipient: Identity
    kind: str
    mode: str
    body: str
    content_sid: str | None
    content_variables: str | None
    state: str
    parts_total: int
    parts_sent: int
    attempts: int
    next_attempt_at: datetime
    error_code: str | None
    note: str | None
    retry_of: int | None


_COLUMNS = (
    "id, sender, recipient, kind, mode, body, content_sid, content_variables, state, parts_total,"
    " parts_sent, attempts, next_attempt_at, error_code, note, retry_of"
)


def _row(row: aiosqlite.Row) -> OutboxRow:
    return OutboxRow(
        id=row["id"],
        sender=row["sender"],
        recipient=Identity.parse(row["recipient"]),
        kind=row["kind"],
        mode=row["mode"],
        body=row["body"],
        content_sid=row["content_sid"],
        content_variables=row["content_variables"],
        state=row["state"],
        parts_total=row["parts_total"],
        parts_sent=row["parts_sent"],
        attempts=row["attempts"],
        next_attempt_at=from_db(row["next_attempt_at"]),
        error_code=row["error_code"],
        note=row["note"],
        retry_of=row["retry_of"],
    )


class SqliteOutbox:
    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id
        self._marks = Marks(db)

    def unit(self) -> AbstractAsyncContextManager[None]:
        """A unit of work of its own (never part of a command's), for a hand-over that reads first."""
        return self.db.transaction(own=True)

    async def add(self, entry: NewOutbound, now: datetime, delivery_id: int | None = None) -> int:
        """Write the row (committed at once, or with the `unit` it is in); for a delivery handed over
        before, the row it already has."""
        async with self.db.transaction():
            row_id = await self.db.insert(
                "INSERT OR IGNORE INTO outbox (community_id, sender, recipient, kind, mode, body,"
                " content_sid, content_variables, state, parts_total, next_attempt_at, note, retry_of,"
                " delivery_id, created_at, updated_at)"
                f" VALUES ({', '.join('?' * 16)})",
                (
                    self.community_id, entry.sender, str(entry.recipient), entry.kind, entry.mode, entry.body,
                    entry.content_sid, entry.content_variables, entry.state, entry.parts_total, to_db(now),
                    entry.note, entry.retry_of, delivery_id, to_db(now), to_db(now),
                ),
            )  # fmt: skip
            if row_id is None:
                row = await self.db.fetch_one("SELECT id FROM outbox WHERE delivery_id = ?", (delivery_id,))
                assert row is not None
                row_id = int(row[0])
        return row_id

    async def get(self, row_id: int) -> OutboxRow | None:
        row = await self.db.fetch_one(
            f"SELECT {_COLUMNS} FROM outbox WHERE community_id = ? AND id = ?", (self.community_id, row_id)
        )
        return None if row is None else _row(row)

    async def due(self, now: datetime, limit: int) -> list[OutboxRow]:
        """Pending rows whose time has come, oldest first; a row waits while an older row to the same
        recipient is still waiting, so that one person's messages keep their order."""
        rows = await self.db.fetch_all(
            # Oldest first along the pending index: it stops after the batch instead of sorting them all.
            f"SELECT {_COLUMNS} FROM outbox o INDEXED BY outbox_pending"
            " WHERE community_id = ? AND state = 'pending' AND next_attempt_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM outbox older"
            "   WHERE older.community_id = o.community_id AND older.recipient = o.recipient"
            "   AND older.state IN ('pending', 'sending') AND older.id < o.id AND older.next_attempt_at > ?)"
            " ORDER BY id LIMIT ?",
            (self.community_id, to_db(now), to_db(now), limit),
        )
        return [_row(row) for row in rows]

    async def next_due_at(self) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT min(next_attempt_at) FROM outbox WHERE community_id = ? AND state = 'pending'",
            (self.community_id,),
        )
        return None if row is None else from_db_optional(row[0])

    async def begin_part(self, row_id: int, now: datetime, sent_before: int | None = None) -> bool:
        """Committed before the API call, durably (a unit of work of its own, synced like a command's): a
        crash, or a power cut, now leaves the row visibly `sending`, never silently pending again.

        With `sent_before`, only if the row is pending with that many parts sent, else False: another
        sender took that part (a new leader while this process was stuck past its lease), and this one
        must not send it. Without, the row is this sender's already (its last part's record failed)."""
        parts = "" if sent_before is None else " AND state = 'pending' AND parts_sent = ?"
        async with self.db.transaction(own=True):
            changed = await self.db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?"
                f" WHERE community_id = ? AND id = ?{parts}",
                (to_db(now), self.community_id, row_id, *(() if sent_before is None else (sent_before,))),
            )
        return changed == 1

    async def part_sent(self, row_id: int, part: int, sid: str, status: str, now: datetime) -> None:
        """Record a part Twilio took; the records of parts sent at about the same time share one marks
        transaction (storage.sqlite.marks)."""
        moment = to_db(now)

        async def work() -> None:
            await self.db.execute(
                "INSERT INTO outbox_sends (community_id, sid, outbox_id, part, status, sent_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (self.community_id, sid, row_id, part, status, moment, moment),
            )
            # By the part's number, not +1: a part whose record was lost must not make a later part be
            # counted as an earlier one (and sent again).
            await self.db.execute(
                "UPDATE outbox SET parts_sent = max(parts_sent, ?), error_code = NULL, note = NULL,"
                " state = CASE WHEN ? >= parts_total THEN 'sent' ELSE 'pending' END, updated_at = ?"
                " WHERE community_id = ? AND id = ?",
                (part, part, moment, self.community_id, row_id),
            )

        await self._marks.write(work)

    async def retry_later(self, row_id: int, error_code: str, note: str, at: datetime, now: datetime) -> None:
        await self._update(
            row_id,
            now,
            "state = 'pending', error_code = ?, note = ?, next_attempt_at = ?",
            (error_code, note, to_db(at)),
        )

    async def finish(self, row_id: int, state: str, error_code: str | None, note: str, now: datetime) -> None:
        if state not in FINAL_STATES:
            raise ValueError(f"{state!r} is not a final outbox state")
        await self._update(row_id, now, "state = ?, error_code = ?, note = ?", (state, error_code, note))

    async def sending(self) -> list[OutboxRow]:
        """Rows a crash left `sending` (at start, before the worker sends anything)."""
        rows = await self.db.fetch_all(
            f"SELECT {_COLUMNS} FROM outbox WHERE community_id = ? AND state = 'sending' ORDER BY id",
            (self.community_id,),
        )
        return [_row(row) for row in rows]

    async def recorded_sids(self, recipient: Identity) -> set[str]:
        """The SIDs of every part already on record for this recipient."""
        rows = await self.db.fetch_all(
            "SELECT s.sid FROM outbox_sends s JOIN outbox o ON o.id = s.outbox_id"
            " WHERE o.community_id = ? AND o.recipient = ?",
            (self.community_id, str(recipient)),
        )
        return {row[0] for row in rows}

    async def interrupted(self, now: datetime) -> int:
        """At start, after what Twilio could tell was settled: the rows still `sending` may or may not have
        reached Twilio. They are not resent (a duplicate is worse than a gap the admin can see); they end
        `unknown`."""
        async with self.db.transaction(own=True):
            return await self.db.execute(
                "UPDATE outbox SET state = 'unknown', updated_at = ?,"
                " note = 'interrupted while sending part ' || (parts_sent + 1) || ' of ' || parts_total"
                " || ': it may or may not have been delivered; not resent'"
                " WHERE community_id = ? AND state = 'sending'",
                (to_db(now), self.community_id),
            )

    async def record_status(
        self, sid: str, status: str, error_code: str | None, now: datetime
    ) -> OutboxRow | None:
        """Keep the furthest delivery status of one sent message; the outbox row it belongs to."""
        async with self.db.transaction(own=True):
            current = await self.db.fetch_one(
                "SELECT outbox_id, status FROM outbox_sends WHERE community_id = ? AND sid = ?",
                (self.community_id, sid),
            )
            if current is None:
                return None
            if _STATUS_RANK.get(status, 0) >= _STATUS_RANK.get(current["status"], 0):
                await self.db.execute(
                    "UPDATE outbox_sends SET status = ?, error_code = ?, updated_at = ?"
                    " WHERE community_id = ? AND sid = ?",
                    (status, error_code, to_db(now), self.community_id, sid),
                )
            return await self.get(current["outbox_id"])

    async def reply(self, row_id: int) -> Reply | None:
        """The message the row was made for, from its delivery (the files it carries, its teaser); None
        for a row written without one (a template retry)."""
        row = await self.db.fetch_one(
            "SELECT d.payload FROM outbox o JOIN deliveries d ON d.id = o.delivery_id"
            " WHERE o.community_id = ? AND o.id = ?",
            (self.community_id, row_id),
        )
        return None if row is None else reply_from_json(row["payload"])

    async def has_retry(self, row_id: int) -> bool:
        row = await self.db.fetch_one(
            "SELECT 1 FROM outbox WHERE community_id = ? AND retry_of = ?", (self.community_id, row_id)
        )
        return row is not None

    async def sends(self, row_id: int) -> list[tuple[str, str, str | None]]:
        """(sid, status, error code) of each part Twilio accepted, in order."""
        rows = await self.db.fetch_all(
            "SELECT sid, status, error_code FROM outbox_sends WHERE community_id = ? AND outbox_id = ?"
            " ORDER BY part",
            (self.community_id, row_id),
        )
        return [(row["sid"], row["status"], row["error_code"]) for row in rows]

    async def _update(self, row_id: int, now: datetime, assignments: str, params: tuple = ()) -> None:
        """One mark after the API call, a transaction of its own (Database.run_transaction with
        marks=True): no command's unit can take it along, and no fsync of its own (it is in
        the log the next commit syncs; if a power cut lost it, the row is still `sending` and the next
        start asks Twilio what it took)."""
        sql = f"UPDATE outbox SET {assignments}, updated_at = ? WHERE community_id = ? AND id = ?"

        async def work() -> None:
            await self.db.execute(sql, (*params, to_db(now), self.community_id, row_id))

        await self.db.run_transaction(work, marks=True)


class SqliteWindows:
    """When each WhatsApp identity last wrote to us (the start of its 24-hour window)."""

    def __init__(self, db: Database, community_id: int) -> None:
        self.db = db
        self.community_id = community_id

    async def touch(self, identity: Identity, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO whatsapp_windows (community_id, identity, last_inbound_at) VALUES (?, ?, ?)"
            " ON CONFLICT (community_id, identity)"
            " DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at)",
            (self.community_id, str(identity), to_db(now)),
        )

    async def last_inbound(self, identity: Identity) -> datetime | None:
        row = await self.db.fetch_one(
            "SELECT last_inbound_at FROM whatsapp_windows WHERE community_id = ? AND identity = ?",
            (self.community_id, str(identity)),
        )
        return None if row is None else from_db(row[0])
