"""POLLS, POLL, VOTE and the moderators' POLL NEW/CLOSE/EXTEND/CANCEL."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.ledger import Kind
from handlers.models import Choice, MemberStatus, Reply, Role
from handlers.polls import _jobs as jobs
from handlers.polls import _render as render
from handlers.polls._announce import OPENED, opening, tell
from handlers.polls._errors import BadExtension, PendingVoter, UnknownLevel, UnknownSegment
from handlers.polls._models import PollDraft
from handlers.polls._parse import apply_picks, describe, later_deadline, read_picks
from handlers.polls._state import Polls
from handlers.registry import Arg, ArgKind

commands: Commands[Polls] = Commands()

POLL_ARG = Arg("poll", ArgKind.WORD, "polls.arg_poll_help")


@commands.command("POLLS", "polls.cmd_polls", localized={"fr": "SONDAGES", "it": "SONDAGGI"})
async def list_polls(ctx: Context, polls: Polls) -> Reply:
    t = ctx.t
    open_polls = [p for p in await polls.repo.open_polls() if p.deadline > ctx.now]
    if not open_polls:
        return Reply(t("polls.none_open"))
    mine = await polls.repo.ballots_of(ctx.member.id, [p.id for p in open_polls]) if ctx.member else {}
    lines = [t("polls.open_title")]
    lines += [render.listing_line(t, p, ctx.zone, mine.get(p.id)) for p in open_polls]
    lines.append(t("polls.list_hint"))
    # One open poll: its options answer by number; several: each poll is one choice away.
    if len(open_polls) == 1:
        offered = render.choices(open_polls[0])
    else:
        offered = tuple(Choice(f"#{p.id} {p.question}", f"POLL {p.id}") for p in open_polls[:10])
    return Reply("\n".join(lines), choices=offered)


@commands.command("POLL", "polls.cmd_poll", POLL_ARG, localized={"fr": "SONDAGE", "it": "SONDAGGIO"})
async def show_poll(ctx: Context, polls: Polls, poll: str) -> Reply:
    t = ctx.t
    found = await polls.find(poll)
    tally = await polls.repo.tally(found)
    taking_votes = found.is_open and ctx.now < found.deadline
    if taking_votes:
        level = polls.level_name(found.min_level, t)
        text = "\n".join(
            [
                render.results(t, found, tally),
                *render.details(t, found, ctx.zone, polls.credits(t, found), level),
            ]
        )
    elif found.is_open:  # the deadline passed; the results come with the close, in a moment
        text = render.results(t, found, tally)
    else:
        text = render.final(t, found, tally, ctx.zone)
    if ctx.member is not None:
        mine = await polls.repo.ballot(found.id, ctx.member.id)
        if mine:
            text += "\n" + t("polls.your_vote", picks=render.picked(found, mine))
    # Who voted what: named polls only, moderators only, and never while results are hidden.
    if ctx.role >= Role.MODERATOR and not found.anonymous and not (found.hidden and found.is_open):
        picks = await polls.repo.voters(found)
        if picks:
            text += "\n" + t("polls.voters_title")
            for position, option in enumerate(found.options):
                names = [f"@{handle}" for at, handle in picks if at == position]
                if names:
                    text += f"\n{option}: {', '.join(names)}"
    return Reply(text, choices=render.choices(found) if taking_votes else ())


@commands.command(
    "VOTE",
    "polls.cmd_vote",
    POLL_ARG,
    Arg("choice", ArgKind.TEXT, "polls.arg_choice_help"),
    private=True,
    localized={"fr": "VOTER", "it": "VOTA"},
)
async def vote(ctx: Context, polls: Polls, poll: str, choice: str) -> Reply:
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise PendingVoter()
    found = await polls.open_for_votes(poll, ctx.now)
    await polls.check_audience(found, member, ctx.t)
    picks = read_picks(choice, found.id, found.options)
    current = await polls.repo.ballot(found.id, member.id)
    chosen = apply_picks(picks, current, found.max_picks)
    t = ctx.t
    deadline = render.when(t, found.deadline, ctx.zone)
    first = await polls.repo.vote(found.id, member.id, chosen, ctx.now)
    ctx.on_commit(polls.refresh, found.id)
    if not chosen:
        return Reply(t("polls.vote_withdrawn", number=str(found.id), deadline=deadline))
    key = "polls.voted" if current is None else "polls.vote_changed"
    lines = [t(key, number=str(found.id), picks=render.picked(found, chosen), deadline=deadline)]
    if first and found.points:
        # Once per member and poll (the source), whatever they change later.
        source = f"poll:{found.id}:{member.id}"
        if await polls.ledger.credit(ctx, member.id, found.points, Kind.POLL, f"poll #{found.id}", source):
            lines.append(t("polls.vote_points", credits=polls.ledger.amount(t, found.points)))
    if not found.hidden:
        lines.append(render.results(t, found, await polls.repo.tally(found)))
    return Reply("\n".join(lines))


@commands.command(
    "POLL NEW",
    "polls.cmd_poll_new",
    Arg("text", ArgKind.TEXT, "polls.arg_text_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "SONDAGE NOUVEAU", "it": "SONDAGGIO NUOVO"},
)
async def poll_new(ctx: Context, polls: Polls, text: str | None = None) -> Reply:
    # Optional only so that a bare POLL NEW gets the whole example, not just "<question> is missing".
    described = describe(text or "", ctx.now, polls.tz)
    level = None
    if described.level is not None:
        names = polls.levels.level_names(ctx.t)
        matches = [n for n, name in enumerate(names) if name.casefold() == described.level.casefold()]
        if not matches:
            raise UnknownLevel(described.level, tuple(names))
        level = matches[0]
    if described.segment is not None and described.segment not in polls.segments.known_segments():
        raise UnknownSegment(described.segment, tuple(sorted(polls.segments.known_segments())))
    settings = polls.settings
    draft = PollDraft(
        question=described.question,
        options=tuple(described.options),
        max_picks=described.max_picks,
        multiple=described.multiple,
        anonymous=True if described.anonymous is None else described.anonymous,
        hidden=described.hidden,
        channel=described.channel or polls.default_channel,
        deadline=described.deadline or ctx.now + settings.default_duration,
        min_level=level,
        segment=described.segment,
        points=settings.vote_points if described.points is None else described.points,
        announce=settings.announce_whatsapp if described.announce is None else described.announce,
    )
    poll = await polls.repo.create(draft, ctx.member.id if ctx.member else None, ctx.now)
    await polls.schedule_close(ctx, poll)
    await tell(ctx, polls, poll, OPENED, opening(polls, poll, ctx.t_community))
    t = ctx.t
    lines = [
        t(
            "polls.created",
            number=str(poll.id),
            channel=poll.channel,
            deadline=render.when(t, poll.deadline, ctx.zone),
        )
    ]
    if poll.announce:
        lines.append(t("polls.announced"))
    return Reply("\n".join(lines))


@commands.command(
    "POLL CLOSE",
    "polls.cmd_poll_close",
    POLL_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "SONDAGE CLORE", "it": "SONDAGGIO CHIUDI"},
)
async def poll_close(ctx: Context, polls: Polls, poll: str) -> Reply:
    found = await polls.open_for_votes(poll, ctx.now)
    await jobs.close(ctx, polls, found, late=False)
    return Reply(ctx.t("polls.closed_now", number=str(found.id), channel=found.channel))


@commands.command(
    "POLL EXTEND",
    "polls.cmd_poll_extend",
    POLL_ARG,
    Arg("deadline", ArgKind.TEXT, "polls.arg_deadline_help"),
    permission=Role.MODERATOR,
    localized={"fr": "SONDAGE PROLONGER", "it": "SONDAGGIO PROROGA"},
)
async def poll_extend(ctx: Context, polls: Polls, poll: str, deadline: str) -> Reply:
    found = await polls.open_for_votes(poll, ctx.now)
    later = later_deadline(deadline, found.deadline, ctx.now, polls.tz)
    if later is None:
        raise BadExtension(found.deadline.astimezone(ctx.zone))
    await polls.repo.extend(found.id, later)
    ctx.on_commit(polls.changed, found.id)
    extended = await polls.repo.poll(found.id)  # as written now, not as read before the change
    assert extended is not None
    await polls.schedule_close(ctx, extended)
    t = ctx.t
    ctx.post(
        found.channel,
        Reply(
            ctx.t_community(
                "polls.extended_post",
                number=str(found.id),
                question=found.question,
                deadline=render.when(ctx.t_community, later, polls.tz),
            )
        ),
        MessageKind.ANNOUNCEMENT,
    )
    return Reply(t("polls.extended", number=str(found.id), deadline=render.when(t, later, ctx.zone)))


@commands.command(
    "POLL CANCEL",
    "polls.cmd_poll_cancel",
    POLL_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "SONDAGE ANNULER", "it": "SONDAGGIO ANNULLA"},
)
async def poll_cancel(ctx: Context, polls: Polls, poll: str) -> Reply:
    found = await polls.open_for_votes(poll, ctx.now)
    await polls.repo.cancel(found.id, ctx.now)
    ctx.on_commit(polls.changed, found.id)
    text = ctx.t_community("polls.cancelled_post", number=str(found.id), question=found.question)
    ctx.post(found.channel, Reply(text), MessageKind.ANNOUNCEMENT)
    return Reply(ctx.t("polls.cancelled_now", number=str(found.id)))
