"""Opens the database, migrates it and builds every repository for one community."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from handlers.consent import DEFAULT_WORDING
from handlers.ports import Clock
from handlers.services import Services
from handlers.settings import CommunityConfig
from storage.sqlite.consent import SqliteConsent
from storage.sqlite.conversation import SqliteChoices, SqliteInbox
from storage.sqlite.database import Database
from storage.sqlite.jobs import SqliteJobs
from storage.sqlite.linking import SqliteLinks
from storage.sqlite.members import SqliteMembers
from storage.sqlite.migrations import migrate
from storage.sqlite.onboarding import SqliteOnboarding
from storage.sqlite.outbox import SqliteOutbox, SqliteWindows
from storage.sqlite.points import SqlitePoints
from storage.sqlite.shop import SqliteShop
from storage.sqlite.state import SqliteClockState, ensure_community


@dataclass
class SqliteStore:
    db: Database
    community_id: int
    members: SqliteMembers
    choices: SqliteChoices
    inbox: SqliteInbox
    jobs: SqliteJobs
    clock_state: SqliteClockState
    consent: SqliteConsent
    links: SqliteLinks
    outbox: SqliteOutbox
    windows: SqliteWindows
    points: SqlitePoints
    shop: SqliteShop
    onboarding: SqliteOnboarding

    @classmethod
    async def open(cls, path: Path, community_slug: str) -> SqliteStore:
        db = await Database.open(path)
        try:
            await migrate(db)
            community_id = await ensure_community(db, community_slug, datetime.now(UTC))
        except BaseException:
            await db.close()
            raise
        return cls(
            db=db,
            community_id=community_id,
            members=SqliteMembers(db, community_id),
            choices=SqliteChoices(db, community_id),
            inbox=SqliteInbox(db, community_id),
            jobs=SqliteJobs(db, community_id),
            clock_state=SqliteClockState(db, community_id),
            consent=SqliteConsent(db, community_id),
            links=SqliteLinks(db, community_id),
            outbox=SqliteOutbox(db, community_id),
            windows=SqliteWindows(db, community_id),
            points=SqlitePoints(db, community_id),
            shop=SqliteShop(db, community_id),
            onboarding=SqliteOnboarding(db, community_id),
        )

    def transaction(self):
        return self.db.transaction()

    def services(
        self,
        config: CommunityConfig,
        clock: Clock,
        consent_wording: str = DEFAULT_WORDING,
        whatsapp_number: str | None = None,
    ) -> Services:
        """The core's services backed by this store."""
        return Services(
            config=config,
            clock=clock,
            transactions=self,
            members=self.members,
            choices=self.choices,
            jobs=self.jobs,
            inbox=self.inbox,
            points=self.points,
            shop=self.shop,
            consent=self.consent,
            links=self.links,
            onboarding=self.onboarding,
            consent_wording=consent_wording,
            whatsapp_number=whatsapp_number,
        )

    async def ping(self) -> None:
        """Raises when the database cannot answer."""
        await self.db.fetch_one("SELECT 1")

    async def close(self) -> None:
        await self.points.close()  # commit queued ledger entries first
        await self.db.close()
