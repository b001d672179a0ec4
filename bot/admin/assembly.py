"""The dashboard's parts built from the running bot: storage's read queries, the core's clock, catalogs
and newsletter preview, the community file and how the bot applies it."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from bot.admin.ports import ApplyCommunity, Dashboard, Reads
from handlers.core import Core
from handlers.events import DirectMessage
from handlers.kpis import HEALTH_REPORT
from handlers.models import Identity, Role
from handlers.settings import CommunityConfig
from storage.sql import Database
from storage.sqlite.admin.activity import SqliteActivityReads
from storage.sqlite.admin.challenges import SqliteChallengeReads
from storage.sqlite.admin.ledger import SqliteLedgerReads
from storage.sqlite.admin.members import SqliteMemberReads
from storage.sqlite.admin.newsletters import SqliteNewsletterReads
from storage.sqlite.admin.outbox import SqliteOutboxReads
from storage.sqlite.admin.sessions import SqliteSessionReads

DASHBOARD_IDENTITY = Identity("dashboard", "admin")
"""Who asks the core for the newsletter preview: the signed-in admin, no member of any platform."""
PREVIEW = "NEWSLETTER PREVIEW"


def reads(db: Database, community_id: int) -> Reads:
    return Reads(
        members=SqliteMemberReads(db, community_id),
        ledger=SqliteLedgerReads(db, community_id),
        activity=SqliteActivityReads(db, community_id),
        challenges=SqliteChallengeReads(db, community_id),
        sessions=SqliteSessionReads(db, community_id),
        newsletters=SqliteNewsletterReads(db, community_id),
        outbox=SqliteOutboxReads(db, community_id),
    )


def dashboard(
    db: Database,
    community_id: int,
    core: Core,
    community: Callable[[], CommunityConfig],
    community_file: Path,
    apply: ApplyCommunity,
) -> Dashboard:
    async def preview(language: str) -> str:
        """The issue as it stands, compiled by the newsletter feature exactly as for a moderator."""
        asked = DirectMessage(DASHBOARD_IDENTITY, PREVIEW, platform_role=Role.ADMIN, locale=language)
        return "\n\n".join(reply.text for reply in await core.invoke(asked, PREVIEW, {}))

    return Dashboard(
        reads=reads(db, community_id),
        texts=core.texts,
        community=community,
        community_file=community_file,
        apply=apply,
        now=core.services.clock.now,
        media=db.path.parent / "media",
        health=partial(core.port, HEALTH_REPORT),
        preview=preview,
    )
