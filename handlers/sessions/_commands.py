"""SESSIONS, SESSION, RSVP and CANCEL <session> (through the consent feature's CANCEL), and the moderators'
SESSION NEW/MOVE/CANCEL/ATTEND."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.deadlines import when as moment
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.i18n import Translator
from handlers.keys import random_code
from handlers.models import Choice, Member, Reply, Role
from handlers.registry import Arg, ArgKind, MemberRef
from handlers.sessions import _attendance as attendance
from handlers.sessions import _render as render
from handlers.sessions._announce import announce
from handlers.sessions._errors import (
    AlreadyGoing,
    AlreadyWaiting,
    NoOneNamed,
    NotBooked,
    NotStartedYet,
    SessionCancelled,
    SessionStarted,
    UnknownLevel,
)
from handlers.sessions._models import Freed, Rsvp, Session, SessionDraft, SessionState
from handlers.sessions._parse import describe, parse_start
from handlers.sessions._state import Sessions

MAX_NAMED = 50
MAX_LISTED = 15
"""The soonest sessions SESSIONS shows (one WhatsApp message stays readable)."""

commands: Commands[Sessions] = Commands()

SESSION_ARG = Arg("session", ArgKind.WORD, "sessions.arg_session_help")


@commands.command("SESSIONS", "sessions.cmd_sessions", localized={"fr": "RENCONTRES", "it": "INCONTRI"})
async def list_sessions(ctx: Context, sessions: Sessions) -> Reply:
    t, zone = ctx.t, ctx.zone
    coming = (await sessions.repo.upcoming(ctx.now))[:MAX_LISTED]
    if not coming:
        return Reply(t("sessions.none"))
    mine = await sessions.repo.states([s.id for s in coming], ctx.member.id) if ctx.member else {}
    lines = [t("sessions.list_title", zone=zone.key)]
    lines += [render.listing_line(t, s, zone, mine.get(s.id)) for s in coming]
    lines.append(t("sessions.list_hint"))
    open_ones = [s for s in coming if s.takes_rsvps(ctx.now) and s.id not in mine]
    offered = tuple(Choice(f"#{s.id} {s.title}"[:80], f"RSVP {s.id}") for s in open_ones)
    if len(offered) == 1:
        offered = (render.rsvp_choice(t, open_ones[0]),)
    return Reply("\n".join(lines), choices=offered[:10])


@commands.command(
    "SESSION", "sessions.cmd_session", SESSION_ARG, localized={"fr": "RENCONTRE", "it": "INCONTRO"}
)
async def show_session(ctx: Context, sessions: Sessions, session: str) -> Reply:
    t = ctx.t
    found = await sessions.find(session)
    shown = render.post(t, found, ctx.zone, ctx.now, sessions.url(found), sessions.terms(t, found))
    lines, choices = [shown.text], shown.choices
    if ctx.member is not None:
        state = (await sessions.repo.states([found.id], ctx.member.id)).get(found.id)
        if state is not None:
            lines.append(render.state_line(t, state))
            choices = ()
    if ctx.role >= Role.MODERATOR:
        lines += await _roster(ctx, sessions, found)
    return Reply("\n".join(lines), choices=choices)


async def _roster(ctx: Context, sessions: Sessions, session: Session) -> list[str]:
    """What moderators see besides: who comes, who waits, who came, and the code word."""
    t = ctx.t

    async def names(member_ids: list[int]) -> str:
        found = [await ctx.members.by_id(m) for m in member_ids]
        return ", ".join(f"@{m.handle}" for m in found if m is not None) or "—"

    repo = sessions.repo
    going, waiting = (
        await names(await repo.attendees(session.id)),
        await names(await repo.waitlist(session.id)),
    )
    return [
        t("sessions.roster_going", count=session.going, names=going),
        t("sessions.roster_waiting", count=session.waiting, names=waiting),
        t("sessions.roster_attended", names=await names(await repo.attended(session.id))),
        t("sessions.roster_code", code=session.code),
    ]


@commands.command(
    "RSVP",
    "sessions.cmd_rsvp",
    SESSION_ARG,
    private=True,
    localized={"fr": "RESERVER", "it": "PRENOTA"},
)
async def rsvp(ctx: Context, sessions: Sessions, session: str) -> Reply:
    member = ctx.require_member()
    found = await sessions.open_for_rsvp(session, ctx.now)
    await sessions.check_eligible(found, member, ctx.t)
    taken = await sessions.repo.rsvp(found.id, member.id, ctx.now)
    if not taken.new:
        if taken.state is Rsvp.GOING:
            raise AlreadyGoing(found.id)
        raise AlreadyWaiting(found.id, taken.position)
    ctx.on_commit(sessions.refresh, found.id)
    position = taken.position if taken.state is Rsvp.WAITING else 0
    return Reply(render.taken(ctx.t, found, ctx.zone, position, sessions.url(found)))


async def cancel_rsvp(ctx: Context, sessions: Sessions, what: str) -> Reply:
    """CANCEL <session>: always possible before the start, full or not; a freed place goes to the first
    waiting at once (the database gives it in the same transaction), and they are told."""
    member = ctx.require_member()
    found = await sessions.find(what)
    if found.state is SessionState.CANCELLED:
        raise SessionCancelled(found.id)
    if ctx.now >= found.start:
        raise SessionStarted(found.id)
    freed = await _give_up(ctx, sessions, found, member.id)
    if freed.was is None:
        raise NotBooked(found.id)
    key = "sessions.gave_up_place" if freed.was is Rsvp.GOING else "sessions.left_waitlist"
    return Reply(ctx.t(key, number=str(found.id), title=found.title))


async def _give_up(ctx: Context, sessions: Sessions, session: Session, member_id: int) -> Freed:
    freed = await sessions.repo.cancel(session.id, member_id, ctx.now)
    if freed.was is not None:
        ctx.on_commit(sessions.refresh, session.id)
    if freed.promoted is not None:
        url = sessions.url(session)
        await sessions.tell(ctx, [freed.promoted], lambda t, zone: render.promoted(t, session, zone, url))
    return freed


async def on_leave(ctx: Context, sessions: Sessions, member: Member) -> None:
    """A member who leaves gives up their places (the first waiting get them) and waitlist places."""
    coming = [s for s in await sessions.repo.upcoming(ctx.now) if s.takes_rsvps(ctx.now)]
    booked = await sessions.repo.states([s.id for s in coming], member.id)
    for session in coming:
        if session.id in booked:
            await _give_up(ctx, sessions, session, member.id)


def _level(t: Translator, sessions: Sessions, given: str | None) -> int | None:
    if given is None:
        return None
    names = sessions.levels.level_names(t)
    matches = [n for n, name in enumerate(names) if name.casefold() == given.casefold()]
    if not matches:
        raise UnknownLevel(given, tuple(names))
    return matches[0]


@commands.command(
    "SESSION NEW",
    "sessions.cmd_session_new",
    Arg("text", ArgKind.TEXT, "sessions.arg_text_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "RENCONTRE NOUVELLE", "it": "INCONTRO NUOVO"},
)
async def session_new(ctx: Context, sessions: Sessions, text: str | None = None) -> Reply:
    described = describe(text or "", ctx.now, sessions.tz)  # nothing given: the usage, with an example
    settings = sessions.settings
    draft = SessionDraft(
        title=described.title,
        start=described.start,
        length=described.length,
        place=described.place,
        capacity=described.capacity,
        channel=described.channel or sessions.default_channel,
        code=described.code or random_code(6),
        min_level=_level(ctx.t, sessions, described.level),
        min_points=described.min_points,
        points=described.points if described.points is not None else settings.attendance_points,
        announce=described.announce if described.announce is not None else settings.announce_whatsapp,
    )
    created = await sessions.repo.create(draft, ctx.member.id if ctx.member else None, ctx.now)
    await sessions.plan(ctx, created)
    ctx.on_commit(sessions.mirror.changed, created.id)
    ctx.post(created.channel, sessions.post(ctx.t_community, created, ctx.now), MessageKind.ANNOUNCEMENT)
    if created.announce:
        await announce(ctx, sessions, created)
    t = ctx.t
    return Reply(
        t(
            "sessions.created",
            number=str(created.id),
            channel=created.channel,
            when=moment(t, created.start, ctx.zone),
            count=created.capacity,
            code=created.code,
        )
    )


@commands.command(
    "SESSION MOVE",
    "sessions.cmd_session_move",
    SESSION_ARG,
    Arg("when", ArgKind.TEXT, "sessions.arg_when_help"),
    permission=Role.MODERATOR,
    localized={"fr": "RENCONTRE DEPLACER", "it": "INCONTRO SPOSTA"},
)
async def session_move(ctx: Context, sessions: Sessions, session: str, when: str) -> Reply:
    found = await sessions.open_for_rsvp(session, ctx.now)
    start = parse_start(when, ctx.now, sessions.tz)
    moved = await sessions.repo.move(found.id, start, ctx.now)
    if moved is None:
        raise SessionCancelled(found.id)
    await sessions.unplan(found)  # the old time's reminders go; the new time's are planned
    await sessions.plan(ctx, moved)
    ctx.on_commit(sessions.refresh, found.id)
    ctx.on_commit(sessions.mirror.changed, found.id)
    url = sessions.url(moved)
    told = await sessions.repo.attendees(found.id) + await sessions.repo.waitlist(found.id)
    await sessions.tell(ctx, told, lambda t, zone: render.moved(t, moved, zone, url))
    ctx.post(moved.channel, Reply(render.moved(ctx.t_community, moved, sessions.tz, url)))
    t = ctx.t
    return Reply(
        t("sessions.moved_now", number=str(found.id), when=moment(t, start, ctx.zone), count=len(told))
    )


@commands.command(
    "SESSION CANCEL",
    "sessions.cmd_session_cancel",
    SESSION_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "RENCONTRE ANNULER", "it": "INCONTRO ANNULLA"},
)
async def session_cancel(ctx: Context, sessions: Sessions, session: str) -> Reply:
    found = await sessions.open_for_rsvp(session, ctx.now)
    if not await sessions.repo.set_cancelled(found.id, ctx.now):
        raise SessionCancelled(found.id)
    await sessions.unplan(found)
    ctx.on_commit(sessions.refresh, found.id)
    ctx.on_commit(sessions.mirror.changed, found.id)
    told = await sessions.repo.attendees(found.id) + await sessions.repo.waitlist(found.id)
    number, title = str(found.id), found.title
    await sessions.tell(ctx, told, lambda t, zone: _cancelled(t, found, zone))
    ctx.post(found.channel, Reply(ctx.t_community("sessions.cancelled_post", number=number, title=title)))
    return Reply(ctx.t("sessions.cancelled_now", number=number, count=len(told)))


def _cancelled(t: Translator, session: Session, zone: ZoneInfo) -> str:
    when = render.when(t, session.start, zone)
    return t("sessions.cancelled_notice", number=str(session.id), title=session.title, when=when)


@commands.command(
    "SESSION ATTEND",
    "sessions.cmd_session_attend",
    SESSION_ARG,
    Arg("members", ArgKind.TEXT, "sessions.arg_members_help"),
    permission=Role.MODERATOR,
    localized={"fr": "RENCONTRE PRESENTS", "it": "INCONTRO PRESENTI"},
)
async def session_attend(ctx: Context, sessions: Sessions, session: str, members: str) -> Reply:
    found = await sessions.find(session)
    if found.state is SessionState.CANCELLED:
        raise SessionCancelled(found.id)
    if ctx.now < found.start - sessions.settings.early:
        raise NotStartedYet(found.id)
    named = list(dict.fromkeys(members.split()))[:MAX_NAMED]
    if not named:
        raise NoOneNamed()
    marked = 0
    for raw in named:
        member = await ctx.resolve(MemberRef(raw))
        if await attendance.mark(ctx, sessions, found, member, ctx.member.id if ctx.member else None):
            marked += 1
    return Reply(ctx.t("sessions.marked", count=marked, number=str(found.id), already=len(named) - marked))


class Cancel:
    """The Cancelling port the consent feature's CANCEL <session> calls."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    async def cancel(self, ctx: Context, what: str) -> Reply:
        return await cancel_rsvp(ctx, self.sessions, what)
