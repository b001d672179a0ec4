"""Who brought whom: attribution at join, payment once onboarding is done, clawback on early leaving."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.context import Context
from handlers.ledger import Kind
from handlers.models import Member
from handlers.onboarding import _codes as codes
from handlers.onboarding._errors import OwnReferralCode, UnknownReferralCode
from handlers.onboarding._ports import ReferralState
from handlers.onboarding._state import Onboarding

CHECK_JOB = "referral_check"


async def referrer_of_code(ctx: Context, ob: Onboarding, code: str) -> Member | None:
    # Discord invite codes are case-sensitive; referral codes are typed in any case.
    member_id = await ob.repo.member_by_code(code.strip()) or await ob.repo.member_by_code(
        codes.normalise(code)
    )
    return None if member_id is None else await ctx.members.by_id(member_id)


async def attribute(
    ctx: Context, ob: Onboarding, newcomer: Member, code: str | None, typed: bool
) -> str | None:
    """Record who brought a newcomer (their code, personal invite or an introduction): a welcome line.

    A typed code that matches nobody is refused (the join is not written); a platform invite that is
    nobody's personal invite (the server's own link) just means nobody referred them.
    """
    if not code:
        return None
    referrer = await referrer_of_code(ctx, ob, code)
    if referrer is None or not referrer.is_active:
        if typed:
            raise UnknownReferralCode(code)
        return None
    via = "code" if await ob.repo.code_of(referrer.id) == codes.normalise(code) else "invite"
    await ob.repo.refer(newcomer.id, referrer.id, via, ctx.now)
    return ctx.t("onboarding.joined_through", member=referrer.mention())


async def on_rejoin(ctx: Context, ob: Onboarding, member: Member, code: str | None) -> str | None:
    """A former member comes back: never a new referral (and never one of their own code)."""
    if not code:
        return None
    referrer = await referrer_of_code(ctx, ob, code)
    if referrer is not None and referrer.id == member.id:
        raise OwnReferralCode()
    return ctx.t("onboarding.rejoin_not_referred")


async def completed(ctx: Context, ob: Onboarding, newcomer: Member) -> None:
    """The newcomer finished onboarding: pay their referrer now or once they have stayed long enough."""
    referral = await ob.repo.referral(newcomer.id)
    if referral is None or referral.state is not ReferralState.WAITING:
        return
    hold = ob.settings.referral_hold_days
    if hold == 0:
        await pay(ctx, ob, newcomer)
        return
    await ob.repo.set_referral(newcomer.id, ReferralState.HELD, ctx.now)
    await ctx.services.jobs.schedule(
        CHECK_JOB, ctx.now + timedelta(days=hold), {"newcomer": newcomer.id}, key=f"referral:{newcomer.id}"
    )


async def pay(ctx: Context, ob: Onboarding, newcomer: Member) -> None:
    referral = await ob.repo.referral(newcomer.id)
    if referral is None or referral.state not in (ReferralState.WAITING, ReferralState.HELD):
        return
    referrer = await ctx.members.by_id(referral.referrer_id)
    if referrer is None or not referrer.is_active or not newcomer.is_active:
        await ob.repo.set_referral(newcomer.id, ReferralState.VOID, ctx.now)
        return
    points = ob.settings.referral_points
    entry = None
    if points > 0:
        entry = await ob.ledger.credit(
            ctx, referrer.id, points, Kind.REFERRAL, f"brought @{newcomer.handle}", f"referral:{newcomer.id}"
        )
    await ob.repo.set_referral(newcomer.id, ReferralState.CREDITED, ctx.now, entry)
    if entry is not None:
        theirs = ctx.t_for(referrer)
        notice = theirs(
            "onboarding.referral_credited",
            newcomer=newcomer.mention(),
            community=ctx.config.community.name,
            credits=ob.ledger.amount(theirs, points),
        )
        ob.notify(ctx, referrer, notice)


async def check_job(ctx: Context, ob: Onboarding, payload: dict[str, Any]) -> None:
    """The hold period is over: pay if the newcomer is still here."""
    newcomer = await ctx.members.by_id(int(payload["newcomer"]))
    if newcomer is not None:
        await pay(ctx, ob, newcomer)


async def left(ctx: Context, ob: Onboarding, member: Member) -> None:
    """A newcomer left: an unpaid referral is void; a paid one within the clawback period is reversed."""
    referral = await ob.repo.referral(member.id)
    if referral is None:
        return
    if referral.state in (ReferralState.WAITING, ReferralState.HELD):
        await ob.repo.set_referral(member.id, ReferralState.VOID, ctx.now)
        await ctx.services.jobs.cancel(f"referral:{member.id}")
        return
    days = ob.settings.referral_clawback_days
    if referral.state is not ReferralState.CREDITED or referral.ledger_id is None:
        return
    if ctx.now - member.joined_at >= timedelta(days=days):
        return
    reversal = await ob.ledger.reverse(ctx, referral.ledger_id, f"@{member.handle} left within {days} days")
    if reversal is None:
        return
    await ob.repo.set_referral(member.id, ReferralState.REVERSED, ctx.now)
    referrer = await ctx.members.by_id(referral.referrer_id)
    if referrer is not None and referrer.is_active:
        t = ctx.t_for(referrer)
        notice = t(
            "onboarding.referral_taken_back",
            newcomer=member.mention(),
            days=t("onboarding.days", count=days),
            credits=ob.ledger.amount(t, reversal.delta),
            count=reversal.delta,
        )
        ob.notify(ctx, referrer, notice)
