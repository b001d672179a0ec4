"""Introductions: members introduce themselves once, and introduce newcomers they bring."""

from __future__ import annotations

from handlers.consent import may_message
from handlers.context import Context
from handlers.errors import Conflict, NotFound, UsageError
from handlers.models import Identity, Member, MemberStatus, Reply
from handlers.onboarding import codes
from handlers.onboarding.referrals import notify
from handlers.points.engine import PointsEngine
from handlers.points.models import Kind

MAX_TEXT = 1000
MIN_REPLY_INTRO = 20
"""A free-form reply to the introduce-yourself prompt must be at least this long to count as one."""
NAMING = "name them as @name, or by phone in international form (+14155550123)"


async def introduce_self(ctx: Context, engine: PointsEngine, member: Member, text: str) -> Reply:
    story = _clean(text)
    if not await ctx.services.onboarding.introduced(member.id, ctx.now):
        raise Conflict("You have already introduced yourself: once is enough, thank you!")
    channel = ctx.config.channels.introductions
    ctx.post(channel, Reply(f"Meet @{member.handle} ({member.display_name}): “{story}”"))
    points = ctx.config.onboarding.intro_points
    earned = ""
    if points > 0 and await engine.credit(
        ctx, member.id, points, Kind.INTRODUCTION, "introduced themselves", f"intro:{member.id}"
    ):
        earned = f" You earned {points} {ctx.config.points.currency}."
    return Reply(f"Thank you! Your introduction is posted in #{channel}.{earned}")


async def introduce_other(ctx: Context, member: Member, who: str, text: str) -> Reply:
    why = _clean(text)
    identity, target = await _target(ctx, who)
    if target is not None:
        return await _introduce_member(ctx, member, target, why)
    assert identity is not None
    repo = ctx.services.onboarding
    if identity == ctx.actor:
        raise Conflict("That's you! To introduce yourself, send INTRO me <your story>.")
    existing = await repo.introduction_for(str(identity))
    if existing is not None or await repo.introduce(member.id, str(identity), why, None, ctx.now) is None:
        by = await ctx.services.members.by_id(existing.introducer_id) if existing else None
        raise Conflict(
            f"{who} was already introduced{f' by @{by.handle}' if by else ''}: they only need to JOIN."
        )
    code = await codes.code_of(ctx, member)
    name = ctx.config.community.name
    if identity.platform != "discord" and await may_message(ctx.services.consent, identity):
        invitation = (
            f"{member.display_name} (@{member.handle}) introduced you to {name}: “{why}”. "
            f"To join, reply JOIN {code}."
        )
        ctx.send_to(identity, Reply(invitation), kind="notice")
        return Reply(
            f"Invitation sent to {who}, naming you. When they join, you are credited once they finish."
        )
    link = (
        codes.whatsapp_link(ctx.services.whatsapp_number, code) if identity.platform == "whatsapp" else None
    )
    share = f"{link} (or your code {code})" if link else f"your code {code} (they send JOIN {code})"
    return Reply(
        f"Noted: when {who} joins they are greeted with your introduction. We can't message them before they "
        f"opt in, so share {share}."
    )


async def _introduce_member(ctx: Context, member: Member, target: Member, why: str) -> Reply:
    """Someone who has joined but not finished: greet them now and credit the introducer later."""
    if target.id == member.id:
        raise Conflict("That's you! To introduce yourself, send INTRO me <your story>.")
    if target.status is MemberStatus.MEMBER:
        raise Conflict(f"@{target.handle} is already a member: introductions are for newcomers.")
    if target.status is MemberStatus.LEFT:
        raise Conflict(f"@{target.handle} has been a member before: introductions are for newcomers.")
    repo = ctx.services.onboarding
    earlier = await repo.introduction_of(target.id)
    if (
        earlier is not None
        or await repo.introduce(member.id, f"member:{target.id}", why, target.id, ctx.now) is None
    ):
        by = await ctx.services.members.by_id(earlier.introducer_id) if earlier else None
        raise Conflict(f"@{target.handle} was already introduced{f' by @{by.handle}' if by else ''}.")
    credited = await repo.refer(target.id, member.id, "introduction", ctx.now)
    await notify(ctx, target, f"@{member.handle} introduced you to {ctx.config.community.name}: “{why}”")
    channel = ctx.config.channels.introductions
    ctx.post(channel, Reply(f"@{member.handle} introduces @{target.handle}: “{why}” Welcome!"))
    later = " You are credited once they finish joining." if credited else ""
    return Reply(f"Thanks! Your introduction of @{target.handle} is posted in #{channel}.{later}")


async def arrived(ctx: Context, newcomer: Member) -> str | None:
    """A newcomer someone introduced has joined: attribute them, announce them; the welcome line."""
    assert ctx.actor is not None
    repo = ctx.services.onboarding
    intro = await repo.introduction_for(str(ctx.actor))
    if intro is None or intro.newcomer_id is not None:
        return None
    await repo.arrived(intro.id, newcomer.id)
    introducer = await ctx.services.members.by_id(intro.introducer_id)
    if introducer is None or not introducer.is_active:
        return None
    await repo.refer(newcomer.id, introducer.id, "introduction", ctx.now)  # a code given at JOIN wins
    ctx.post(
        ctx.config.channels.introductions,
        Reply(f"@{introducer.handle} introduced @{newcomer.handle}: “{intro.why}” Welcome!"),
    )
    await notify(
        ctx, introducer, f"{newcomer.display_name} (@{newcomer.handle}), whom you introduced, has joined."
    )
    return f"@{introducer.handle} introduced you: “{intro.why}”"


async def prompt_reply(ctx: Context, engine: PointsEngine, text: str) -> Reply | None:
    """A free-form message after the introduce-yourself prompt is the member's introduction."""
    member = ctx.member
    if member is None or member.status is not MemberStatus.MEMBER or len(text) < MIN_REPLY_INTRO:
        return None
    if not ctx.config.onboarding.guided:
        return None
    progress = await ctx.services.onboarding.progress(member.id)
    if progress is None or progress.answered_at is None or progress.introduced_at is not None:
        return None
    return await introduce_self(ctx, engine, member, text)


async def _target(ctx: Context, who: str) -> tuple[Identity | None, Member | None]:
    """The person named: a known member, or the identity of someone who has not joined."""
    members = ctx.services.members
    if ctx.message is not None and who in ctx.message.mentions:
        identity = ctx.message.mentions[who]
    elif who.startswith("<@") and who.endswith(">") and who.strip("<@!>").isdigit():
        identity = Identity("discord", who.strip("<@!>"))
    elif who.startswith("@"):
        found = await members.by_handle(who[1:].lower())
        if found is None:
            raise NotFound(f"I don't know {who[:30]} here: {NAMING}.")
        return None, found
    elif who.startswith("+"):
        try:
            identity = Identity.parse("whatsapp:" + who)
        except ValueError:
            raise UsageError(
                f"“{who[:20]}” is not a phone number: write it in international form, like +14155550123."
            ) from None
    elif ":" in who:
        try:
            identity = Identity.parse(who)
        except ValueError as error:
            raise UsageError(f"{error}.") from None
    else:
        raise UsageError(
            f"Who is “{who[:30]}”? {NAMING[0].upper()}{NAMING[1:]}; or send INTRO me <your story>."
        )
    return identity, await members.by_identity(identity)


def _clean(text: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_TEXT:
        raise UsageError(f"Keep an introduction under {MAX_TEXT} characters.")
    return cleaned
