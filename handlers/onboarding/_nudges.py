"""Follow-up messages at configured delays after joining, skipped when already done or unwelcome."""

from __future__ import annotations

from typing import Any

from handlers.context import Context
from handlers.models import Member, MemberStatus
from handlers.onboarding._settings import DEFAULT_NUDGES
from handlers.onboarding._state import Onboarding

JOB = "onboarding_nudge"


async def schedule(ctx: Context, ob: Onboarding, member: Member) -> None:
    """One persisted job per configured nudge, keyed per member: a replayed or repeated join adds none."""
    for index, nudge in enumerate(ob.settings.nudges):
        await ctx.services.jobs.schedule(
            JOB,
            member.joined_at + nudge.delay,
            {"member": member.id, "nudge": index},
            key=f"nudge:{member.id}:{index}",
        )


async def run(ctx: Context, ob: Onboarding, payload: dict[str, Any]) -> None:
    nudges = ob.settings.nudges
    index = int(payload["nudge"])
    member = await ctx.members.by_id(int(payload["member"]))
    if member is None or member.status is MemberStatus.LEFT or index >= len(nudges):
        return  # gone, or the nudge was removed from the community file since
    nudge = nudges[index]
    progress = await ob.repo.progress(member.id)
    done = {
        "agreed": member.status is MemberStatus.MEMBER,
        "answered": progress is not None and progress.answered_at is not None,
        "introduced": progress is not None and progress.introduced_at is not None,
    }
    if nudge.unless is not None and done[nudge.unless]:
        return
    if member.status is MemberStatus.PENDING and nudge.unless != "agreed":
        return  # until they accept the rules, only a reminder to accept them makes sense
    name = ctx.config.community.name
    if nudge.text is None:  # the catalog's reminder, in the member's language
        assert nudge.unless is not None
        text = ctx.t_for(member)(DEFAULT_NUDGES[nudge.unless], name=member.display_name, community=name)
    else:  # the admin's own words, as written
        text = nudge.text.replace("{community}", name).replace("{name}", member.display_name)
    ob.notify(ctx, member, text)
