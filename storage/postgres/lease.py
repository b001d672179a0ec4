"""The scheduler lease on PostgreSQL: a session advisory lock, held on a connection of its own.

Exactly one process holds the lock; when it dies (kill -9, a lost machine) the server ends its session and
the lock is free at once, so another process takes over at its next claim, seconds later, without waiting
for a lease to run out. A holder that lives on but stops renewing (stuck, cut off) loses it as a SQLite
lease would: once its lease has expired, the next claimant ends its session (pg_terminate_backend). The
`scheduler_lease` row (migration 0019) is still written by the holder, so that
`communitybot` tools and the dashboard can say who runs scheduled work and since when.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import asyncpg

from handlers.ports import LeaseHolder, StorageUnavailable
from storage.postgres.database import PgDatabase
from storage.sqlite.backup import LeaseRow
from storage.sqlite.lease import NAME, SqliteLease
from storage.sqlite.times import from_db, to_db

log = logging.getLogger(__name__)

SCHEDULER = 0x73636865
"""The advisory lock's key (distinct from the writers' lock)."""

_FAILURES = (OSError, asyncpg.PostgresError, asyncpg.InterfaceError)
_HELD = (
    "SELECT count(*) > 0 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
    " AND objid = $1 AND granted"
)


class PgLease:
    def __init__(self, db: PgDatabase) -> None:
        self.db = db
        self._rows = SqliteLease(db)  # the visible row, in the same SQL on both engines
        self._session: asyncpg.Connection | None = None

    async def _locked(self) -> bool:
        """Whether this process holds the lock now, taking it when it is free."""
        for attempt in (1, 2):  # a session the server ended (a restart, a take-over) is opened again once
            if self._session is not None and self._session.is_closed():
                self._session = None
            try:
                if self._session is None:
                    self._session = await asyncpg.connect(self.db.url)
                if await self._session.fetchval(_HELD, SCHEDULER):
                    return True
                return bool(await self._session.fetchval("SELECT pg_try_advisory_lock($1)", SCHEDULER))
            except _FAILURES as error:
                await self._drop()
                if attempt == 2:
                    raise StorageUnavailable(f"scheduler lock: {type(error).__name__}") from error
                log.warning(
                    "the scheduler's lock session was lost (%s): opening another", type(error).__name__
                )
        return False

    async def _end_expired(self, now: datetime) -> bool:
        """End the session of a holder that stopped renewing (alive but stuck, or cut off): its lease ran
        out, as a SQLite lease would, and the lock goes with its session. True when one was ended."""
        row = await self.db.fetch_one("SELECT expires_at FROM scheduler_lease WHERE name = ?", (NAME,))
        if row is None or from_db(row[0]) >= now or self._session is None:
            return False
        ended = await self._session.fetchval(
            "SELECT count(pg_terminate_backend(pid, 2000)) FROM pg_locks"
            " WHERE locktype = 'advisory' AND objid = $1 AND granted AND pid <> pg_backend_pid()",
            SCHEDULER,
        )
        if ended:
            log.warning("the scheduler lease expired unrenewed: its holder's session was ended")
        return bool(ended)

    async def acquire(self, holder: str, now: datetime, ttl: timedelta) -> LeaseHolder | None:
        if await self._locked() or (await self._end_expired(now) and await self._locked()):
            # The lock decides; the row follows it (a row left by a holder that died is taken over).
            async def write() -> None:
                await self.db.execute(
                    "INSERT INTO scheduler_lease (name, holder, expires_at, acquired_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                    "  expires_at = excluded.expires_at,"
                    "  acquired_at = CASE WHEN scheduler_lease.holder = excluded.holder"
                    "   THEN scheduler_lease.acquired_at ELSE excluded.acquired_at END",
                    (NAME, holder, to_db(now + ttl), to_db(now)),
                )

            await self.db.run_transaction(write)
            return None
        row = await self.db.fetch_one(
            "SELECT holder, expires_at, acquired_at FROM scheduler_lease WHERE name = ?", (NAME,)
        )
        if row is None or row[0] == holder:  # the holder has not written its row yet
            return LeaseHolder("another process", now + ttl, now)
        return LeaseHolder(row[0], from_db(row[1]), from_db(row[2]))

    async def row(self) -> LeaseRow | None:
        return await self._rows.row()

    async def take_over(self, holder: str, dead: str, now: datetime, ttl: timedelta) -> bool:
        """A dead holder's session is ended by the server, and its lock with it: taking over is claiming."""
        return await self.acquire(holder, now, ttl) is None

    async def release(self, holder: str) -> None:
        await self._rows.release(holder)
        await self._drop()

    async def close(self) -> None:
        await self._drop()

    async def _drop(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.is_closed():
            try:
                await session.close(timeout=2)  # ends the session: the lock is free for the next process
            except _FAILURES:
                session.terminate()
