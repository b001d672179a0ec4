"""UNLOCKS, UNLOCK, PLEDGE, UNPLEDGE and the moderators' UNLOCK NEW/CODES/CANCEL."""

from __future__ import annotations

import re

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.feature import Commands
from handlers.models import Choice, MemberStatus, Reply, Role
from handlers.registry import Arg, ArgKind
from handlers.unlocks import _render as render
from handlers.unlocks._errors import (
    AlreadyPledged,
    AlreadyUnlocked,
    NoCodesWanted,
    NotPledged,
    NotTakingPledges,
    PendingPledger,
    TooManyCodes,
)
from handlers.unlocks._models import UnlockDraft, UnlockState
from handlers.unlocks._parse import describe
from handlers.unlocks._state import Unlocks

MAX_CODES_AT_ONCE = 1000

commands: Commands[Unlocks] = Commands()

UNLOCK_ARG = Arg("unlock", ArgKind.WORD, "unlocks.arg_unlock_help")


def _member(ctx: Context) -> int:
    member = ctx.require_member()
    if member.status is not MemberStatus.MEMBER:
        raise PendingPledger()
    return member.id


@commands.command("UNLOCKS", "unlocks.cmd_unlocks", localized={"fr": "DEBLOCAGES", "it": "SBLOCCHI"})
async def list_unlocks(ctx: Context, unlocks: Unlocks) -> Reply:
    t = ctx.t
    current = [u for u in await unlocks.repo.current() if u.takes_pledges(ctx.now)]
    if not current:
        return Reply(t("unlocks.none"))
    mine = await unlocks.repo.pledged([u.id for u in current], ctx.member.id) if ctx.member else set()
    lines = [t("unlocks.list_title")]
    lines += [render.listing_line(t, u, ctx.zone, u.id in mine) for u in current]
    lines.append(t("unlocks.list_hint"))
    offered = tuple(render.pledge_choice(t, u) for u in current if u.id not in mine)
    if len(offered) > 1:  # several: each says which it is
        offered = tuple(Choice(f"#{u.id} {u.title}", f"PLEDGE {u.id}") for u in current if u.id not in mine)
    return Reply("\n".join(lines), choices=offered[:10])


@commands.command("UNLOCK", "unlocks.cmd_unlock", UNLOCK_ARG, localized={"fr": "DEBLOCAGE", "it": "SBLOCCO"})
async def show_unlock(ctx: Context, unlocks: Unlocks, unlock: str) -> Reply:
    t = ctx.t
    found = await unlocks.find(unlock)
    shown = render.post(t, found, ctx.zone, ctx.now)
    text = shown.text
    choices = shown.choices
    if ctx.member is not None and await unlocks.repo.pledged([found.id], ctx.member.id):
        choices = ()
        if found.state is UnlockState.UNLOCKED:
            code = await unlocks.repo.code_of(found.id, ctx.member.id) if found.codes else None
            text += "\n" + render.reward(t, found, code, waiting=found.codes)
        else:
            text += "\n" + t("unlocks.you_pledged")
    return Reply(text, choices=choices)


@commands.command(
    "PLEDGE",
    "unlocks.cmd_pledge",
    UNLOCK_ARG,
    private=True,
    localized={"fr": "PARTICIPER", "it": "ADERISCI"},
)
async def pledge(ctx: Context, unlocks: Unlocks, unlock: str) -> Reply:
    member_id = _member(ctx)
    found = await unlocks.taking_pledges(unlock, ctx.now)
    if not await unlocks.repo.pledge(found.id, member_id, ctx.now):
        raise AlreadyPledged(found.id)
    ctx.on_commit(unlocks.refresh, found.id)
    t = ctx.t
    now = await unlocks.repo.unlock(found.id)
    assert now is not None
    if found.state is UnlockState.UNLOCKED:  # unlocked already: the reward comes with the answer
        code = await unlocks.repo.give_code(found.id, member_id, ctx.now) if found.codes else None
        return Reply(render.reward(t, now, code, waiting=found.codes))
    if now.pledges >= now.goal and await unlocks.repo.set_state(
        found.id, UnlockState.OPEN, UnlockState.UNLOCKED, ctx.now
    ):
        # This pledge reached the goal: everyone who pledged gets the reward, once (the state changed once).
        others = [m for m in await unlocks.repo.pledgers(found.id) if m != member_id]
        await unlocks.send_rewards(ctx, now, others)
        post = ctx.t_community(
            "unlocks.unlocked_post", number=str(now.id), title=now.title, count=now.pledges
        )
        ctx.post(now.channel, Reply(post), MessageKind.ANNOUNCEMENT)
        code = await unlocks.repo.give_code(found.id, member_id, ctx.now) if found.codes else None
        return Reply(render.reward(t, now, code, waiting=found.codes))
    deadline = render.when(t, now.deadline, ctx.zone)
    lines = [t("unlocks.pledged", number=str(now.id), title=now.title)]
    lines.append(render.progress(t, now))
    lines.append(t("unlocks.pledged_hint", goal=now.goal, deadline=deadline, number=str(now.id)))
    return Reply("\n".join(lines))


@commands.command(
    "UNPLEDGE",
    "unlocks.cmd_unpledge",
    UNLOCK_ARG,
    private=True,
    localized={"fr": "DESISTER", "it": "RINUNCIA"},
)
async def unpledge(ctx: Context, unlocks: Unlocks, unlock: str) -> Reply:
    member_id = _member(ctx)
    found = await unlocks.find(unlock)
    if found.state is UnlockState.UNLOCKED:
        raise AlreadyUnlocked(found.id)
    if not found.takes_pledges(ctx.now):
        raise NotTakingPledges(found.id, found.state.value if ctx.now < found.deadline else "over")
    if not await unlocks.repo.withdraw(found.id, member_id):
        raise NotPledged(found.id)
    ctx.on_commit(unlocks.refresh, found.id)
    return Reply(ctx.t("unlocks.withdrawn", number=str(found.id), title=found.title))


@commands.command(
    "UNLOCK NEW",
    "unlocks.cmd_unlock_new",
    Arg("text", ArgKind.TEXT, "unlocks.arg_text_help", required=False),
    permission=Role.MODERATOR,
    localized={"fr": "DEBLOCAGE NOUVEAU", "it": "SBLOCCO NUOVO"},
)
async def unlock_new(ctx: Context, unlocks: Unlocks, text: str | None = None) -> Reply:
    described = describe(text or "", ctx.now, unlocks.tz)
    draft = UnlockDraft(
        title=described.title,
        goal=described.goal,
        deadline=described.deadline or ctx.now + unlocks.settings.default_duration,
        reward=described.reward,
        codes=described.codes,
        channel=unlocks.default_channel,
    )
    created = await unlocks.repo.create(draft, ctx.member.id if ctx.member else None, ctx.now)
    await unlocks.schedule_deadline(ctx, created)
    ctx.post(
        created.channel, render.post(ctx.t_community, created, unlocks.tz, ctx.now), MessageKind.ANNOUNCEMENT
    )
    t = ctx.t
    lines = [
        t(
            "unlocks.created",
            number=str(created.id),
            channel=created.channel,
            goal=created.goal,
            deadline=render.when(t, created.deadline, ctx.zone),
        )
    ]
    if created.codes:
        lines.append(t("unlocks.add_codes_hint", number=str(created.id)))
    return Reply("\n".join(lines))


@commands.command(
    "UNLOCK CODES",
    "unlocks.cmd_unlock_codes",
    UNLOCK_ARG,
    Arg("codes", ArgKind.TEXT, "unlocks.arg_codes_help"),
    permission=Role.MODERATOR,
    localized={"fr": "DEBLOCAGE CODES", "it": "SBLOCCO CODICI"},
)
async def unlock_codes(ctx: Context, unlocks: Unlocks, unlock: str, codes: str) -> Reply:
    found = await unlocks.find(unlock)
    if not found.codes:
        raise NoCodesWanted(found.id)
    given = [c for c in re.split(r"[\s,]+", codes) if c]
    if len(given) > MAX_CODES_AT_ONCE or any(len(c) > 64 for c in given):
        raise TooManyCodes(MAX_CODES_AT_ONCE)
    added = await unlocks.repo.add_codes(found.id, given)
    sent = 0
    if found.state is UnlockState.UNLOCKED:  # pledgers waiting for a code get theirs now
        waiting = await unlocks.repo.without_code(found.id)
        for member_id in waiting:
            member = await ctx.members.by_id(member_id)
            code = await unlocks.repo.give_code(found.id, member_id, ctx.now)
            if code is None:
                break
            if member is not None and member.is_active:
                text = ctx.t_for(member)(
                    "unlocks.code_arrived", number=str(found.id), title=found.title, code=code
                )
                ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
                sent += 1
    return Reply(ctx.t("unlocks.codes_added", count=added, number=str(found.id), sent=sent))


@commands.command(
    "UNLOCK CANCEL",
    "unlocks.cmd_unlock_cancel",
    UNLOCK_ARG,
    permission=Role.MODERATOR,
    localized={"fr": "DEBLOCAGE ANNULER", "it": "SBLOCCO ANNULLA"},
)
async def unlock_cancel(ctx: Context, unlocks: Unlocks, unlock: str) -> Reply:
    found = await unlocks.find(unlock)
    if not await unlocks.repo.set_state(found.id, UnlockState.OPEN, UnlockState.CANCELLED, ctx.now):
        raise NotTakingPledges(found.id, found.state.value)
    ctx.on_commit(unlocks.refresh, found.id)
    for member_id in await unlocks.repo.pledgers(found.id):
        member = await ctx.members.by_id(member_id)
        if member is not None and member.is_active:
            text = ctx.t_for(member)("unlocks.cancelled_notice", number=str(found.id), title=found.title)
            ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
    text = ctx.t_community("unlocks.cancelled_post", number=str(found.id), title=found.title)
    ctx.post(found.channel, Reply(text), MessageKind.ANNOUNCEMENT)
    return Reply(ctx.t("unlocks.cancelled_now", number=str(found.id)))
