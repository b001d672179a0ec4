"""The intake on PostgreSQL: the same rows as SQLite's, and a notification when one is stored.

Several processes take webhooks and only the scheduler's leader handles them (handlers/intake.py), so the
leader must hear promptly of a row another process stored. The storing unit of work calls `pg_notify` in
its own transaction, so the notification is delivered at its COMMIT, when the row is visible (and never for
a unit rolled back); the payload is the community, and PostgreSQL folds a batch's notifications into one.
The leader listens on a connection of its own; its own rows it has queued already, so notifications from
its own writer are ignored. A notification lost with a connection costs at most a poll interval.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import asyncpg

from handlers.events import DirectMessage
from storage.postgres.database import PgDatabase
from storage.sqlite.intake import SqliteIntake

log = logging.getLogger(__name__)

CHANNEL = "communitybot_intake"
_FAILURES = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


class PgIntake(SqliteIntake):
    def __init__(self, db: PgDatabase, community_id: int) -> None:
        super().__init__(db, community_id)
        self.pg = db
        self._listener: asyncpg.Connection | None = None
        self._wake: Callable[[], None] | None = None

    async def put(self, message: DirectMessage, now: datetime) -> int | None:
        seq = await super().put(message, now)
        if seq is not None:  # in the unit's transaction: delivered at its COMMIT
            await self.db.fetch_one("SELECT pg_notify(?, ?)", (CHANNEL, str(self.community_id)))
        return seq

    async def listen(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        if self._listener is not None and not self._listener.is_closed():
            return
        try:
            self._listener = await asyncpg.connect(self.pg.url, timeout=5)
            await self._listener.add_listener(CHANNEL, self._notified)
        except _FAILURES as error:
            log.warning("cannot listen for stored messages (%s): polling only", type(error).__name__)
            await self.unlisten()
            return
        log.debug("listening for messages other processes store")
        wake()  # what was stored before the LISTEN took effect

    def _notified(self, connection: object, pid: int, channel: str, payload: str) -> None:
        if payload != str(self.community_id) or pid == self.pg.server_pid:
            return  # another community's, or this process's own (queued as it was stored)
        if self._wake is not None:
            self._wake()

    async def unlisten(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None and not listener.is_closed():
            try:
                await listener.close(timeout=2)
            except _FAILURES:
                listener.terminate()
