"""REFERRAL (your code, WhatsApp link and personal Discord invite) and REFERRALS (who you brought)."""

from __future__ import annotations

import logging

from handlers.context import Context
from handlers.models import Reply
from handlers.onboarding import _codes as codes
from handlers.onboarding._ports import ReferralState
from handlers.onboarding._state import Onboarding

log = logging.getLogger(__name__)

LISTED = 20
STATES = {
    ReferralState.WAITING: "joined, finishing onboarding",
    ReferralState.HELD: "onboarded, credited after the waiting period",
    ReferralState.CREDITED: "credited",
    ReferralState.REVERSED: "left early: taken back",
    ReferralState.VOID: "left before finishing: not credited",
}


async def personal_invite(ctx: Context, ob: Onboarding, member_id: int, name: str) -> str | None:
    """The member's Discord invite, created the first time it is asked for (when Discord is running)."""
    code = await ob.repo.invite_of(member_id, "discord")
    if code is None and ob.invites is not None:
        try:
            code = await ob.invites.create_invite("discord", f"personal invite of @{name}")
        except Exception:
            log.exception("could not create a Discord invite for member %s", member_id)
            code = None
        if code is not None:
            await ob.repo.add_invite(member_id, "discord", code, ctx.now)
    return None if code is None else f"https://discord.gg/{code}"


async def referral(ctx: Context, ob: Onboarding) -> Reply:
    member = ctx.require_member()
    code = await codes.code_of(ctx, ob.repo, member)
    points = ob.settings.referral_points
    lines = [f"Your referral code: {code}. Newcomers send JOIN {code} to join through you."]
    link = codes.whatsapp_link(ob.whatsapp_number, code)
    if link:
        lines.append(f"WhatsApp: {link}")
    invite = await personal_invite(ctx, ob, member.id, member.handle)
    if invite:
        lines.append(f"Discord: {invite}")
    if points:
        lines.append(
            f"You earn {points} {ob.ledger.currency} for each newcomer who finishes joining "
            "(not for yourself or returning members)."
        )
    return Reply("\n".join(lines))


async def referrals(ctx: Context, ob: Onboarding) -> Reply:
    member = ctx.require_member()
    found = await ob.repo.referrals_by(member.id, LISTED)
    waiting = await ob.repo.waiting_introductions(member.id)
    if not found and not waiting:
        return Reply("No referrals yet. Send REFERRAL for your code and links to share.")
    lines = ["Your referrals:"]
    tz = ctx.config.community.tz
    for item in found:
        day = item.created_at.astimezone(tz).strftime("%d %b %Y")
        lines.append(f"@{item.newcomer_handle} — {STATES[item.state]} (joined {day}, via {item.via})")
    if waiting:
        lines.append(f"{waiting} introduced, not joined yet.")
    return Reply("\n".join(lines))
