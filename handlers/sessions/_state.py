"""The sessions feature's state: its repository, the ports it asks about members and points, where it
posts, its live posts and its jobs (reminders keyed by the session's revision, so each exists once)."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import InitVar, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.broadcast import BROADCASTS, Broadcaster
from handlers.calendar import CalendarEntry, EventPublisher
from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Setup
from handlers.i18n import Catalogs, Translator
from handlers.keys import find_numbered
from handlers.ledger import LEDGER, Ledger
from handlers.levels import LEVELS, Levels
from handlers.live import LivePosts
from handlers.models import Member, MemberStatus, Reply
from handlers.ports import Clock, JobRepository
from handlers.sessions import _render as render
from handlers.sessions._errors import (
    BadSessionNumber,
    BelowLevel,
    NoSuchSession,
    PendingMember,
    SessionCancelled,
    SessionStarted,
    TooFewPoints,
)
from handlers.sessions._events import EventMirror
from handlers.sessions._models import Session, SessionState
from handlers.sessions._ports import SESSIONS, SessionRepository
from handlers.sessions._settings import SessionsConfig
from handlers.timers import series_key

Write = Callable[[Translator, ZoneInfo], str]
"""Makes a notice's text for one reader, in their language and time zone."""

REMIND = "session_reminder"
BEGIN = "session_begins"
ANNOUNCE = "session_announce"


def series(session: Session) -> str:
    """The session's jobs of this revision: a move cancels them all and plans new ones."""
    return f"session:{session.id}:r{session.revision}"


@dataclass(frozen=True)
class Sessions:
    repo: SessionRepository
    ledger: Ledger
    levels: Levels
    settings: SessionsConfig
    jobs: JobRepository
    tz: ZoneInfo
    default_channel: str
    texts: Catalogs
    language: str
    """The community's: the language of channel posts."""
    community: str
    slug: str
    live: LivePosts
    clock: Clock
    base_url: str | None
    """The web server's public address: posts and reminders link each session's calendar file."""
    broadcaster: Broadcaster
    mirror: EventMirror = field(init=False)
    """The sessions as the platform's scheduled events, when configured and a platform has them."""
    events: InitVar[EventPublisher | None] = None

    def __post_init__(self, events: EventPublisher | None) -> None:
        object.__setattr__(
            self, "mirror", EventMirror(events if self.settings.discord_event else None, self.current_entry)
        )

    async def find(self, given: str) -> Session:
        return await find_numbered(given, self.repo.session, BadSessionNumber, NoSuchSession)

    async def open_for_rsvp(self, given: str, now: datetime) -> Session:
        session = await self.find(given)
        if session.state is SessionState.CANCELLED:
            raise SessionCancelled(session.id)
        if now >= session.start:
            raise SessionStarted(session.id)
        return session

    def url(self, session: Session) -> str | None:
        if not self.base_url:
            return None
        return f"{self.base_url.rstrip('/')}/sessions/{session.id}-{session.calendar_key}.ics"

    def level_name(self, index: int, t: Translator) -> str:
        names = self.levels.level_names(t)
        return names[min(index, len(names) - 1)]

    def terms(self, t: Translator, session: Session) -> list[str]:
        """Who may come and what attending earns, in words."""
        lines = []
        if session.min_level is not None:
            lines.append(t("sessions.for_level", level=self.level_name(session.min_level, t)))
        if session.min_points is not None:
            lines.append(t("sessions.for_points", needed=self.ledger.amount(t, session.min_points)))
        if session.points:
            lines.append(t("sessions.earns", credits=self.ledger.amount(t, session.points)))
        return lines

    def post(self, t: Translator, session: Session, now: datetime) -> Reply:
        return render.post(t, session, self.tz, now, self.url(session), self.terms(t, session))

    async def check_eligible(self, session: Session, member: Member, t: Translator) -> None:
        if member.status is not MemberStatus.MEMBER:
            raise PendingMember()
        if session.min_level is not None and await self.levels.level_of(member.id) < session.min_level:
            raise BelowLevel(self.level_name(session.min_level, t))
        if session.min_points is not None and await self.ledger.balance(member.id) < session.min_points:
            raise TooFewPoints(self.ledger.amount(t, session.min_points))

    async def plan(self, ctx: Context, session: Session) -> None:
        """Its reminders still to come, and the job at its start (the post loses its button)."""
        base = series(session)
        payload = {"session": session.id, "revision": session.revision}
        for before in self.settings.offsets:
            at = session.start - before
            if at > ctx.now:  # a reminder whose time has passed already is not planned
                values = {**payload, "before": int(before.total_seconds())}
                await self.jobs.schedule(REMIND, at, values, series_key(base, at))
        await self.jobs.schedule(BEGIN, session.start, payload, series_key(base, session.start))

    async def unplan(self, session: Session) -> None:
        await self.jobs.cancel_series(series(session))

    async def tell(self, ctx: Context, member_ids: list[int], write: Write) -> None:
        """A notice to each of these members who is still active, in their language and time zone."""
        for member_id in member_ids:
            member = await ctx.members.by_id(member_id)
            if member is not None and member.is_active:
                text = write(ctx.t_for(member), ctx.zone_for(member))
                ctx.send_to_member(member, Reply(text), MessageKind.REMINDER)

    def refresh(self, session_id: int) -> None:
        """After a commit that changed the session or its places: its live post is edited soon."""
        self.live.changed(render.board(session_id), lambda: self._live_post(session_id))

    async def _live_post(self, session_id: int) -> Reply:
        session = await self.repo.session(session_id)
        assert session is not None
        return self.post(self.texts.translator(self.language), session, self.clock.now())

    async def entry(self, session_id: int, key: str) -> CalendarEntry | None:
        """SessionCalendar: the session for the web server's `.ics` route, when `key` is its own."""
        session = await self.repo.session(session_id)
        if session is None or not hmac.compare_digest(key, session.calendar_key):
            return None
        return self._entry(session)

    async def current_entry(self, session_id: int) -> CalendarEntry | None:
        """The session as a calendar event, for the platform's own copy of it (a Discord event)."""
        session = await self.repo.session(session_id)
        return None if session is None else self._entry(session)

    def _entry(self, session: Session) -> CalendarEntry:
        return CalendarEntry(
            id=session.id,
            uid=f"session-{session.id}.{self.slug}@communitybot",
            title=session.title,
            start=session.start,
            end=session.end,
            place=session.place,
            cancelled=session.state is SessionState.CANCELLED,
            sequence=session.revision + (1 if session.state is SessionState.CANCELLED else 0),
            stamp=self.clock.now(),
            community=self.community,
        )


def build(setup: Setup) -> Sessions:
    config = setup.config
    settings = setup.section(SessionsConfig)
    return Sessions(
        setup.repository(SESSIONS),
        setup.need(LEDGER),
        setup.need(LEVELS),
        settings,
        setup.services.jobs,
        config.community.tz,
        settings.channel or config.channels.announcements,
        setup.texts,
        config.community.language,
        config.community.name,
        config.community.slug,
        LivePosts(setup.platforms.editor, settings.live_update_seconds),
        setup.services.clock,
        setup.platforms.public_base_url,
        Broadcaster(setup.repository(BROADCASTS), setup.services.jobs, ANNOUNCE, config.community.language),
        setup.platforms.events,
    )
