"""The deadline: a persisted job ends the unlock once, never before its deadline. If the goal was not
reached it expired, and every pledger is told that nothing happened (in the job's own transaction)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.errors import shorten
from handlers.i18n import Translator
from handlers.models import Reply
from handlers.unlocks._models import UnlockState
from handlers.unlocks._state import Unlocks


async def run(ctx: Context, unlocks: Unlocks, payload: dict[str, Any]) -> None:
    unlock = await unlocks.repo.unlock(int(payload["unlock"]))
    if unlock is None or datetime.fromisoformat(payload["deadline"]) != unlock.deadline:
        return
    if ctx.now < unlock.deadline:  # never early, whatever woke this job
        await unlocks.schedule_deadline(ctx, unlock, again=True)
        return
    ctx.on_commit(unlocks.refresh, unlock.id)  # the post loses its button
    if not await unlocks.repo.set_state(unlock.id, UnlockState.OPEN, UnlockState.EXPIRED, ctx.now):
        return  # unlocked (it stays so) or cancelled
    number, title = str(unlock.id), unlock.title
    for member_id in await unlocks.repo.pledgers(unlock.id):
        member = await ctx.members.by_id(member_id)
        if member is not None and member.is_active:
            text = ctx.t_for(member)("unlocks.expired_notice", number=number, title=title, goal=unlock.goal)
            ctx.send_to_member(member, Reply(text), MessageKind.NOTICE)
    post = ctx.t_community(
        "unlocks.expired_post", number=number, title=title, count=unlock.pledges, goal=unlock.goal
    )
    ctx.post(unlock.channel, Reply(post), MessageKind.ANNOUNCEMENT)


async def describe(unlocks: Unlocks, t: Translator, payload: dict[str, Any]) -> str | None:
    unlock = await unlocks.repo.unlock(int(payload["unlock"]))
    if unlock is None or unlock.state not in (UnlockState.OPEN, UnlockState.UNLOCKED):
        return None
    if datetime.fromisoformat(payload["deadline"]) != unlock.deadline:
        return None  # moved since: the job of the new deadline is the one
    return t("schedule.unlock_ends", number=unlock.id, title=shorten(unlock.title, 60))
