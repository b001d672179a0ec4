"""FEEDBACK, IDEAS, IDEA, BACK, UNBACK and the moderators' IDEA STATUS."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.feedback import _render as render
from handlers.feedback._errors import (
    AlreadyBacked,
    IdeaClosed,
    NotBacked,
    OwnIdea,
    PendingMember,
    SameStatus,
)
from handlers.feedback._models import IdeaStatus
from handlers.feedback._notify import tell
from handlers.feedback._parse import idea_text, status_note
from handlers.feedback._state import Feedback
from handlers.ledger import Kind
from handlers.models import Choice, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind

LISTED = 10
"""Ideas IDEAS shows (each with a button to back it)."""
STATUSES = tuple(s.value for s in IdeaStatus)

commands: Commands[Feedback] = Commands()

IDEA_ARG = Arg("idea", ArgKind.WORD, "feedback.arg_idea_help")


def _member_id(ctx: Context) -> int:
    """The asker, if they may send and back ideas: a member who accepted the rules."""
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise PendingMember()
    return member.id


@commands.command(
    "FEEDBACK",
    "feedback.cmd_feedback",
    Arg("text", ArgKind.TEXT, "feedback.arg_text_help"),
    private=True,
    localized={"fr": "SUGGERER", "it": "SUGGERISCI"},
)
async def feedback(ctx: Context, state: Feedback, text: str) -> Reply:
    member_id = _member_id(ctx)
    idea = await state.repo.add(member_id, idea_text(text), ctx.now)
    t = ctx.t_community
    queued = Reply(render.triage(t, idea), choices=render.triage_choices(t, idea))
    ctx.post(state.triage_channel, queued, MessageKind.MODERATION)
    return Reply(ctx.t("feedback.thanks", number=str(idea.id)))


@commands.command("IDEAS", "feedback.cmd_ideas", localized={"fr": "IDEES", "it": "PROPOSTE"})
async def ideas(ctx: Context, state: Feedback) -> Reply:
    t = ctx.t
    listed = await state.repo.most_backed(LISTED)
    if not listed:
        return Reply(t("feedback.none"))
    own = ctx.member.id if ctx.member else None
    mine = await state.repo.backed(own, [i.id for i in listed]) if own is not None else set()
    lines = [t("feedback.list_title")]
    lines += [render.line(t, i, own=i.member_id == own, backed=i.id in mine) for i in listed]
    lines.append(t("feedback.list_hint"))
    offered = tuple(render.back_choice(t, i) for i in listed if i.id not in mine and i.member_id != own)
    return Reply("\n".join(lines), choices=offered)


@commands.command("IDEA", "feedback.cmd_idea", IDEA_ARG, localized={"fr": "IDEE", "it": "PROPOSTA"})
async def idea(ctx: Context, state: Feedback, idea: str) -> Reply:
    t = ctx.t
    found = await state.find(idea)
    own = ctx.member is not None and ctx.member.id == found.member_id
    backed = ctx.member is not None and bool(await state.repo.backed(ctx.member.id, [found.id]))
    lines = [render.line(t, found, own=own, backed=backed)]
    if len(found.text) > render.EXCERPT:  # the line shows only its start
        lines.append(found.text)
    if found.note:
        lines.append(t("feedback.note", note=found.note))
    choices: tuple[Choice, ...] = ()
    if ctx.role >= Role.MODERATOR:  # who sent it, and the buttons to move it along
        lines.append(t("feedback.author", handle=found.handle))
        choices = render.triage_choices(t, found)
    elif found.status.open and ctx.member is not None and not own:
        choices = (render.unback_choice(t, found) if backed else render.back_choice(t, found),)
    return Reply("\n".join(lines), choices=choices)


@commands.command(
    "BACK", "feedback.cmd_back", IDEA_ARG, private=True, localized={"fr": "SOUTENIR", "it": "SOSTIENI"}
)
async def back(ctx: Context, state: Feedback, idea: str) -> Reply:
    member_id = _member_id(ctx)
    found = await state.find(idea)
    if found.member_id == member_id:
        raise OwnIdea(found.id)
    if not found.status.open:
        raise IdeaClosed(found.id, found.status)
    if not await state.repo.back(found.id, member_id, ctx.now):  # the primary key: once per member
        raise AlreadyBacked(found.id)
    return Reply(ctx.t("feedback.backed", number=str(found.id), count=found.backers + 1))


@commands.command(
    "UNBACK", "feedback.cmd_unback", IDEA_ARG, private=True, localized={"fr": "RENONCER", "it": "RITIRA"}
)
async def unback(ctx: Context, state: Feedback, idea: str) -> Reply:
    member_id = _member_id(ctx)
    found = await state.find(idea)
    if not found.status.open:  # its backers stay as they were when it shipped or was declined
        raise IdeaClosed(found.id, found.status, unbacking=True)
    if not await state.repo.unback(found.id, member_id):
        raise NotBacked(found.id)
    return Reply(ctx.t("feedback.unbacked", number=str(found.id), count=found.backers - 1))


@commands.command(
    "IDEA STATUS",
    "feedback.cmd_idea_status",
    IDEA_ARG,
    Arg("status", ArgKind.CHOICE, "feedback.arg_status_help", choices=STATUSES),
    Arg("note", ArgKind.TEXT, "feedback.arg_note_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "IDEE STATUT", "it": "PROPOSTA STATO"},
)
async def idea_status(
    ctx: Context, state: Feedback, idea: str, status: str, note: str | None = None
) -> Reply:
    found = await state.find(idea)
    new = IdeaStatus(status.lower())
    said = status_note(note)
    by = ctx.member.id if ctx.member else None
    if not await state.repo.set_status(found.id, new, said, by, ctx.now):
        raise SameStatus(found.id, new)  # nothing changed: nobody is told again
    author = await ctx.members.by_id(found.member_id)
    earned = state.points_for(new) if author is not None and author.is_active else 0
    if earned:
        # Once per idea and status (the source): back and forth between statuses credits nothing more.
        source = f"idea:{found.id}:{new.value}"
        reason = f"idea #{found.id} {new.value}"
        if await state.ledger.credit(ctx, found.member_id, earned, Kind.FEEDBACK, reason, source) is None:
            earned = 0
    told = await tell(ctx, state, found, new, said, earned)
    t = ctx.t
    return Reply(
        t("feedback.status_set", number=str(found.id), status=render.status_name(t, new), count=told)
    )
