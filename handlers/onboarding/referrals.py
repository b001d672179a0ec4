"""Who brought whom: attribution at join, payment once onboarding is done, clawback on early leaving."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.consent import may_message
from handlers.context import Context
from handlers.errors import UsageError
from handlers.models import Member, Reply
from handlers.onboarding import codes
from handlers.onboarding.ports import ReferralState
from handlers.points.engine import PointsEngine
from handlers.points.models import Kind

CHECK_JOB = "referral_check"


async def notify(ctx: Context, member: Member, text: str) -> None:
    """A message the member did not ask for: only where they may receive one."""
    for identity in await ctx.services.members.identities(member.id):
        if await may_message(ctx.services.consent, identity):
            ctx.send_to(identity, Reply(text), kind="notice")
            return


async def referrer_of_code(ctx: Context, code: str) -> Member | None:
    repo = ctx.services.onboarding
    # Discord invite codes are case-sensitive; referral codes are typed in any case.
    member_id = await repo.member_by_code(code.strip()) or await repo.member_by_code(codes.normalise(code))
    return None if member_id is None else await ctx.services.members.by_id(member_id)


async def attribute(ctx: Context, newcomer: Member, code: str | None, typed: bool) -> str | None:
    """Record who brought a newcomer (their code, personal invite or an introduction): a welcome line.

    A typed code that matches nobody is refused (the join is not written); a platform invite that is
    nobody's personal invite (the server's own link) just means nobody referred them.
    """
    repo = ctx.services.onboarding
    if code:
        referrer = await referrer_of_code(ctx, code)
        if referrer is None or not referrer.is_active:
            if typed:
                raise UsageError(
                    f"No member has the referral code “{code[:20]}”: check it with whoever gave it to you, "
                    "or send JOIN alone."
                )
        else:
            via = "code" if await repo.code_of(referrer.id) == codes.normalise(code) else "invite"
            await repo.refer(newcomer.id, referrer.id, via, ctx.now)
            return f"You joined through @{referrer.handle}'s invitation: welcome, and thank them!"
    return None


async def on_rejoin(ctx: Context, member: Member, code: str | None) -> str | None:
    """A former member comes back: never a new referral (and never one of their own code)."""
    if not code:
        return None
    referrer = await referrer_of_code(ctx, code)
    if referrer is not None and referrer.id == member.id:
        raise UsageError("That is your own referral code: it is for people you invite. Send JOIN alone.")
    return "Referral codes count for newcomers only, so nobody is credited for your return."


async def completed(ctx: Context, engine: PointsEngine, newcomer: Member) -> None:
    """The newcomer finished onboarding: pay their referrer now or once they have stayed long enough."""
    repo = ctx.services.onboarding
    referral = await repo.referral(newcomer.id)
    if referral is None or referral.state is not ReferralState.WAITING:
        return
    hold = ctx.config.onboarding.referral_hold_days
    if hold == 0:
        await pay(ctx, engine, newcomer)
        return
    await repo.set_referral(newcomer.id, ReferralState.HELD, ctx.now)
    await ctx.services.jobs.schedule(
        CHECK_JOB, ctx.now + timedelta(days=hold), {"newcomer": newcomer.id}, key=f"referral:{newcomer.id}"
    )


async def pay(ctx: Context, engine: PointsEngine, newcomer: Member) -> None:
    repo = ctx.services.onboarding
    referral = await repo.referral(newcomer.id)
    if referral is None or referral.state not in (ReferralState.WAITING, ReferralState.HELD):
        return
    referrer = await ctx.services.members.by_id(referral.referrer_id)
    if referrer is None or not referrer.is_active or not newcomer.is_active:
        await repo.set_referral(newcomer.id, ReferralState.VOID, ctx.now)
        return
    points = ctx.config.onboarding.referral_points
    entry = None
    if points > 0:
        entry = await engine.credit(
            ctx, referrer.id, points, Kind.REFERRAL, f"brought @{newcomer.handle}", f"referral:{newcomer.id}"
        )
    await repo.set_referral(newcomer.id, ReferralState.CREDITED, ctx.now, entry)
    if entry is not None:
        currency = ctx.config.points.currency
        await notify(
            ctx,
            referrer,
            f"@{newcomer.handle} has joined {ctx.config.community.name} through you: "
            f"+{points} {currency}. Thank you!",
        )


async def check_job(ctx: Context, engine: PointsEngine, payload: dict[str, Any]) -> None:
    """The hold period is over: pay if the newcomer is still here."""
    newcomer = await ctx.services.members.by_id(int(payload["newcomer"]))
    if newcomer is not None:
        await pay(ctx, engine, newcomer)


async def left(ctx: Context, engine: PointsEngine, member: Member) -> None:
    """A newcomer left: an unpaid referral is void; a paid one within the clawback period is reversed."""
    repo = ctx.services.onboarding
    referral = await repo.referral(member.id)
    if referral is None:
        return
    if referral.state in (ReferralState.WAITING, ReferralState.HELD):
        await repo.set_referral(member.id, ReferralState.VOID, ctx.now)
        await ctx.services.jobs.cancel(f"referral:{member.id}")
        return
    days = ctx.config.onboarding.referral_clawback_days
    if referral.state is not ReferralState.CREDITED or referral.ledger_id is None:
        return
    if ctx.now - member.joined_at >= timedelta(days=days):
        return
    entry = await ctx.services.points.entry(referral.ledger_id)
    if entry is None or entry.revoked_by is not None:
        return
    reversal = await engine.credit(
        ctx,
        referral.referrer_id,
        -entry.delta,
        Kind.REVOKE,
        f"@{member.handle} left within {days} days",
        f"revoke:{entry.id}",
        reverses=entry.id,
    )
    await repo.set_referral(member.id, ReferralState.REVERSED, ctx.now)
    referrer = await ctx.services.members.by_id(referral.referrer_id)
    if reversal is not None and referrer is not None and referrer.is_active:
        currency = ctx.config.points.currency
        await notify(
            ctx,
            referrer,
            f"@{member.handle} left within {days} days of joining, so the "
            f"{entry.delta} {currency} for bringing them were taken back.",
        )
