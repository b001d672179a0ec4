"""Opens the database (the SQLite file, or PostgreSQL at a URL), migrates it and builds every repository for
one community, from the features. The repositories (storage/sqlite/) are the same on both engines."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from handlers.feature import Feature
from handlers.features import FEATURES
from handlers.key import Key
from handlers.ports import Clock
from handlers.services import Repositories, Services
from handlers.settings import CommunityConfig
from storage.postgres.database import PgDatabase
from storage.postgres.deliveries import PgDeliveryLog
from storage.postgres.intake import PgIntake
from storage.postgres.lease import PgLease
from storage.postgres.migrations import migrate as migrate_postgresql
from storage.sql import Database as SqlDatabase
from storage.sqlite.assembly import Assembly, assemble
from storage.sqlite.conversation import SqliteChoices, SqliteInbox
from storage.sqlite.database import Database
from storage.sqlite.deliveries import SqliteDeliveries, SqliteDeliveryLog
from storage.sqlite.intake import SqliteIntake
from storage.sqlite.jobs import SqliteJobs
from storage.sqlite.kernel import KERNEL
from storage.sqlite.lease import SqliteLease
from storage.sqlite.members import SqliteMembers
from storage.sqlite.migrations import migrate
from storage.sqlite.outbox import SqliteOutbox, SqliteWindows
from storage.sqlite.state import SqliteClockState, ensure_community

T = TypeVar("T")

OPTIMIZE_EVERY = 6 * 3600.0
"""Seconds between two `PRAGMA optimize` while the bot runs (SQLite suggests every few hours)."""


def claimed_migrations(features: Sequence[Feature[Any]] = FEATURES) -> frozenset[str]:
    """The migrations the kernel and the features' storage modules claim."""
    return assemble(KERNEL, features).migrations


def is_postgresql(where: Path | str) -> bool:
    return isinstance(where, str) and where.startswith(("postgresql://", "postgres://"))


class Store:
    """The kernel's repositories as attributes, the features' by key (`store.repository(POINTS)`)."""

    def __init__(self, db: SqlDatabase, community_id: int, assembly: Assembly) -> None:
        self.db = db
        self.community_id = community_id
        self.where: Path | str = db.path
        """What the store was opened on: the SQLite file or the PostgreSQL URL (a second store opens it)."""
        media = (
            None if str(db.path) == ":memory:" else db.path.parent / "media"
        )  # bot/media.py keeps files there
        self.members = SqliteMembers(
            db, community_id, assembly.merge_steps, assembly.forget_steps, assembly.member_media,
            assembly.media_in_use, media,
        )  # fmt: skip
        self.choices = SqliteChoices(db, community_id)
        self.inbox = SqliteInbox(db, community_id)
        self.intake = (
            PgIntake(db, community_id) if isinstance(db, PgDatabase) else SqliteIntake(db, community_id)
        )
        """Messages answered as received and not yet handled (the WhatsApp webhook's); on PostgreSQL, a
        notification for the leader when another process stores one."""
        self.jobs = SqliteJobs(db, community_id)
        self.lease: SqliteLease | PgLease = PgLease(db) if isinstance(db, PgDatabase) else SqliteLease(db)
        """Which process runs scheduled work: an advisory lock on PostgreSQL, a renewed row on SQLite."""
        self.clock_state = SqliteClockState(db, community_id)
        self.deliveries = SqliteDeliveries(db, community_id)
        pg = isinstance(db, PgDatabase)
        self.delivery_log = (PgDeliveryLog if pg else SqliteDeliveryLog)(db, community_id)
        """The dispatcher's claims and marks; on PostgreSQL a claim skips rows locked elsewhere."""
        self.outbox = SqliteOutbox(db, community_id)
        """WhatsApp's outbox: a hand-over is a unit of work of its own, a mark a marks transaction."""
        self.windows = SqliteWindows(db, community_id)
        built: dict[str, object] = {}
        self._closing: list[Callable[[], Awaitable[None]]] = []
        for binding in assembly.bindings:
            repository = built[binding.key.name] = binding.build(db, community_id)
            if binding.close is not None:
                self._closing.append(partial(binding.close, repository))
        self.repositories = Repositories(built)
        self._upkeep: asyncio.Task[None] | None = None

    @classmethod
    async def open(
        cls,
        where: Path | str,
        community_slug: str,
        features: Sequence[Feature[Any]] = FEATURES,
        data_dir: Path | None = None,
    ) -> Store:
        """The store in the SQLite file `where`, or on the PostgreSQL server at the URL `where`
        (`postgresql://...`; the bot's own files, such as media, go to `data_dir` then)."""
        assembly = assemble(KERNEL, features)
        db: SqlDatabase
        if is_postgresql(where):
            db = await PgDatabase.open(str(where), data_dir or Path("data"))
        else:
            db = await Database.open(Path(where))
        try:
            if isinstance(db, PgDatabase):
                await migrate_postgresql(db, assembly.migrations)
            else:
                await migrate(db, assembly.migrations)
            community_id = await ensure_community(db, community_slug, datetime.now(UTC))
        except BaseException:
            await db.close()
            raise
        store = cls(db, community_id, assembly)
        store.where = where
        return store

    def repository(self, key: Key[T]) -> T:
        return self.repositories.get(key)

    def transaction(self, first: bool = False) -> AbstractAsyncContextManager[None]:
        return self.db.transaction(first=first)

    def services(self, config: CommunityConfig, clock: Clock) -> Services:
        """The core's services backed by this store."""
        return Services(
            config=config,
            clock=clock,
            transactions=self,
            members=self.members,
            choices=self.choices,
            jobs=self.jobs,
            inbox=self.inbox,
            outbox=self.deliveries,
            deliveries=self.delivery_log,
            repositories=self.repositories,
            lease=self.lease,
        )

    async def ping(self) -> None:
        """Raises when the database cannot answer."""
        await self.db.fetch_one("SELECT 1")

    def keep_up(self, every: float = OPTIMIZE_EVERY) -> None:
        """Refresh the planner's statistics every `every` seconds until the store closes (a running bot's
        tables grow: statistics from its first day would lead the planner astray a year later)."""

        async def upkeep() -> None:
            while True:
                await asyncio.sleep(every)
                await self.db.optimize()

        if self._upkeep is None:
            self._upkeep = asyncio.get_running_loop().create_task(upkeep())

    async def close(self) -> None:
        if self._upkeep is not None:
            self._upkeep.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._upkeep
            self._upkeep = None
        for close in self._closing:  # writers commit what they queued first
            await close()
        if isinstance(self.lease, PgLease):
            await self.lease.close()
        await self.db.close()
