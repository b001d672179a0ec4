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
    ReferralState.WAITING: "onboarding.referral_state_waiting",
    ReferralState.HELD: "onboarding.referral_state_held",
    ReferralState.CREDITED: "onboarding.referral_state_credited",
    ReferralState.REVERSED: "onboarding.referral_state_reversed",
    ReferralState.VOID: "onboarding.referral_state_void",
}
LINES = {
    "code": "onboarding.referrals_line_code",
    "invite": "onboarding.referrals_line_invite",
    "introduction": "onboarding.referrals_line_introduction",
}
"""A REFERRALS line by how the newcomer was brought (`Referral.via`)."""


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
    t = ctx.t
    points = ob.settings.referral_points
    lines = [t("onboarding.referral_code", code=code)]
    link = codes.whatsapp_link(ob.whatsapp_number, code)
    if link:
        lines.append(t("onboarding.referral_whatsapp", link=link))
    invite = await personal_invite(ctx, ob, member.id, member.handle)
    if invite:
        lines.append(t("onboarding.referral_discord", link=invite))
    if points:
        lines.append(t("onboarding.referral_earn", credits=ob.ledger.amount(t, points)))
    return Reply("\n".join(lines))


async def referrals(ctx: Context, ob: Onboarding) -> Reply:
    member = ctx.require_member()
    found = await ob.repo.referrals_by(member.id, LISTED)
    waiting = await ob.repo.waiting_introductions(member.id)
    t = ctx.t
    if not found and not waiting:
        return Reply(t("onboarding.no_referrals"))
    lines = [t("onboarding.referrals_title")]
    tz = ctx.zone
    for item in found:
        newcomer = "@" + item.newcomer_handle
        day = t.date(item.created_at.astimezone(tz).date())
        lines.append(t(LINES[item.via], newcomer=newcomer, state=t(STATES[item.state]), day=day))
    if waiting:
        lines.append(t("onboarding.referrals_waiting", count=waiting))
    return Reply("\n".join(lines))
