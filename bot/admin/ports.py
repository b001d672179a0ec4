"""What the dashboard's pages read through (storage/sqlite/admin implements each) and what the composition
root hands the dashboard: `Dashboard`, one typed field per thing a page needs."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from handlers.i18n import Catalogs
from handlers.kpis import HealthReport
from handlers.settings import CommunityConfig
from storage.sqlite.admin.rows import (
    ChallengeRow,
    DeliveryRow,
    IdeaRow,
    IssueRow,
    IssueText,
    LedgerCursor,
    LedgerFilter,
    LedgerPage,
    LedgerRow,
    MemberCounts,
    MemberDetail,
    MemberRow,
    PollRow,
    RsvpRow,
    SessionRow,
    StateCounts,
    SubmissionRow,
    UnlockRow,
    WhatsAppRow,
)


class MemberReads(Protocol):
    async def page(self, query: str = "", segment: str | None = None, offset: int = 0) -> list[MemberRow]: ...
    async def detail(self, member_id: int) -> MemberDetail | None: ...
    async def by_handle(self, handle: str) -> int | None: ...
    async def counts(self) -> MemberCounts: ...


class LedgerReads(Protocol):
    async def page(self, where: LedgerFilter, after: LedgerCursor | None = None) -> LedgerPage: ...
    def export(self, where: LedgerFilter) -> AsyncIterator[list[LedgerRow]]: ...


class ActivityReads(Protocol):
    async def polls(self, offset: int = 0) -> list[PollRow]: ...
    async def unlocks(self, offset: int = 0) -> list[UnlockRow]: ...
    async def ideas(self, status: str | None = None, offset: int = 0) -> list[IdeaRow]: ...


class ChallengeReads(Protocol):
    async def challenges(self, offset: int = 0) -> list[ChallengeRow]: ...
    async def challenge(self, challenge_id: int) -> ChallengeRow | None: ...
    async def submissions(self, challenge_id: int, offset: int = 0) -> list[SubmissionRow]: ...
    async def media_type(self, key: str) -> str | None: ...


class SessionReads(Protocol):
    async def sessions(self, offset: int = 0) -> list[SessionRow]: ...
    async def session(self, session_id: int) -> SessionRow | None: ...
    async def rsvps(self, session_id: int, offset: int = 0) -> list[RsvpRow]: ...


class NewsletterReads(Protocol):
    async def issues(self, offset: int = 0) -> list[IssueRow]: ...
    async def issue(self, issue_id: int) -> IssueText | None: ...


class OutboxReads(Protocol):
    async def delivery_counts(self) -> StateCounts: ...
    async def whatsapp_counts(self) -> StateCounts: ...
    async def deliveries(self, state: str | None = None, offset: int = 0) -> list[DeliveryRow]: ...
    async def whatsapp(self, state: str | None = None, offset: int = 0) -> list[WhatsAppRow]: ...


class ApplyCommunity(Protocol):
    async def __call__(self, community: CommunityConfig) -> None:
        """Apply a validated community configuration to the running bot at once; raises (the bot keeps the
        configuration it had) when a feature refuses it."""
        ...


@dataclass(frozen=True)
class Reads:
    members: MemberReads
    ledger: LedgerReads
    activity: ActivityReads
    challenges: ChallengeReads
    sessions: SessionReads
    newsletters: NewsletterReads
    outbox: OutboxReads


@dataclass(frozen=True)
class Dashboard:
    reads: Reads
    texts: Catalogs
    """The bot's catalogs (with the community's overrides): the dashboard is in the community's language."""
    community: Callable[[], CommunityConfig]
    """The configuration the bot runs with now."""
    community_file: Path
    apply: ApplyCommunity
    now: Callable[[], datetime]
    """The bot's clock (the console's simulated one in a console session)."""
    media: Path
    """The media store's folder (bot/media.py), where submissions' files are kept."""
    health: Callable[[], HealthReport]
    """The running core's (a configuration applied live builds the features again)."""
    """The health feature's periods (the same STATS shows) and rolled-up days."""
    preview: Callable[[str], Awaitable[str]]
    """The next newsletter as it stands, in a language (what NEWSLETTER PREVIEW answers)."""
