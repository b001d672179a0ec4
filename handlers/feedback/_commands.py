"""FEEDBACK, IDEAS, IDEA, BACK and the moderators' IDEA STATUS."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.feedback import _render as render
from handlers.feedback._errors import (
    AlreadyBacked,
    IdeaClosed,
    IdeaTooLong,
    OwnIdea,
    PendingAuthor,
    SameStatus,
)
from handlers.feedback._models import IdeaStatus
from handlers.feedback._state import Feedback
from handlers.ledger import Kind
from handlers.models import Choice, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind

MAX_IDEA = 1000
LISTED = 10
STATUSES = tuple(s.value for s in IdeaStatus)

commands: Commands[Feedback] = Commands()

IDEA_ARG = Arg("idea", ArgKind.WORD, "feedback.arg_idea_help")


def _member_id(ctx: Context) -> int:
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise PendingAuthor()
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
    if len(text) > MAX_IDEA:
        raise IdeaTooLong(MAX_IDEA)
    idea = await state.repo.add(member_id, text, ctx.now)
    t = ctx.t_community
    note = t("feedback.to_triage", number=str(idea.id), handle=idea.handle, text=render.excerpt(idea.text))
    triage = tuple(
        Choice(render.status(t, s), f"IDEA STATUS {idea.id} {s.value}")
        for s in IdeaStatus
        if s is not IdeaStatus.NEW
    )
    ctx.post(state.moderators_channel, Reply(note, choices=triage), MessageKind.MODERATION)
    return Reply(ctx.t("feedback.thanks", number=str(idea.id)))


@commands.command("IDEAS", "feedback.cmd_ideas", localized={"fr": "IDEES", "it": "PROPOSTE"})
async def ideas(ctx: Context, state: Feedback) -> Reply:
    t = ctx.t
    listed = await state.repo.most_backed(LISTED)
    if not listed:
        return Reply(t("feedback.none"))
    mine = await state.repo.backed(ctx.member.id, [i.id for i in listed]) if ctx.member else set()
    own = ctx.member.id if ctx.member else None
    lines = [t("feedback.list_title"), *(render.line(t, i) for i in listed), t("feedback.list_hint")]
    offered = tuple(
        Choice(t("feedback.back_button", number=str(i.id)), f"BACK {i.id}")
        for i in listed
        if i.id not in mine and i.member_id != own
    )
    return Reply("\n".join(lines), choices=offered)


@commands.command("IDEA", "feedback.cmd_idea", IDEA_ARG, localized={"fr": "IDEE", "it": "PROPOSTA"})
async def idea(ctx: Context, state: Feedback, idea: str) -> Reply:
    t = ctx.t
    found = await state.find(idea)
    lines = [render.line(t, found)]
    if len(found.text) > render.EXCERPT:  # the line shows only its start
        lines.append(found.text)
    if found.note:
        lines.append(t("feedback.note", note=found.note))
    if ctx.role >= Role.MODERATOR:
        lines.append(t("feedback.author", handle=found.handle))
    return Reply("\n".join(lines))


@commands.command(
    "BACK", "feedback.cmd_back", IDEA_ARG, private=True, localized={"fr": "SOUTENIR", "it": "SOSTIENI"}
)
async def back(ctx: Context, state: Feedback, idea: str) -> Reply:
    member_id = _member_id(ctx)
    found = await state.find(idea)
    if found.member_id == member_id:
        raise OwnIdea(found.id)
    if not found.status.open:
        raise IdeaClosed(found.id, found.status.value)
    if not await state.repo.back(found.id, member_id, ctx.now):
        raise AlreadyBacked(found.id)
    return Reply(ctx.t("feedback.backed", number=str(found.id), count=found.backers + 1))


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
    told_note = note.strip()[:300] if note and note.strip() else None
    by = ctx.member.id if ctx.member else None
    if not await state.repo.set_status(found.id, new, told_note, by, ctx.now):
        raise SameStatus(found.id, render.status(ctx.t, new))
    points = {
        IdeaStatus.PLANNED: state.settings.planned_points,
        IdeaStatus.SHIPPED: state.settings.shipped_points,
    }
    earned = points.get(new, 0)
    credited = False
    if earned:
        source = f"idea:{found.id}:{new.value}"
        reason = f"idea #{found.id} {new.value}"
        credited = (
            await state.ledger.credit(ctx, found.member_id, earned, Kind.FEEDBACK, reason, source) is not None
        )
    told = 0
    for member_id in [found.member_id, *await state.repo.backers(found.id)]:
        member = await ctx.members.by_id(member_id)
        if member is None or not member.is_active:
            continue
        t = ctx.t_for(member)
        key = "feedback.yours_now" if member_id == found.member_id else "feedback.backed_now"
        text = t(key, number=str(found.id), text=render.excerpt(found.text), status=render.status(t, new))
        if told_note:
            text += "\n" + t("feedback.note", note=told_note)
        if credited and member_id == found.member_id:
            text += "\n" + t("feedback.earned", credits=state.ledger.amount(t, earned))
        ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
        told += 1
    return Reply(
        ctx.t("feedback.status_set", number=str(found.id), status=render.status(ctx.t, new), count=told)
    )
