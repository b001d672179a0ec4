"""Introductions: members introduce themselves once, and introduce newcomers they bring."""

from __future__ import annotations

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.ledger import Kind
from handlers.models import PLATFORMS, Choice, Identity, Member, MemberStatus, Reply
from handlers.onboarding import _codes as codes
from handlers.onboarding._errors import (
    IntroducedAlready,
    IntroductionTooLong,
    NewcomerIntroducedAlready,
    NotANewcomer,
    NotAnIdentity,
    NotAPhoneNumber,
    ThatIsYou,
    UnknownNewcomer,
    WhoIsThat,
)
from handlers.onboarding._state import Onboarding

MAX_TEXT = 1000
MIN_REPLY_INTRO = 20
"""A free-form reply to the introduce-yourself prompt must be at least this long to count as one."""


async def introduce_self(ctx: Context, ob: Onboarding, member: Member, text: str) -> Reply:
    story = _clean(text)
    if not await ob.repo.introduced(member.id, ctx.now):
        raise IntroducedAlready()
    channel = ctx.config.channels.introductions
    post = ctx.t_community(
        "onboarding.post_self", member=member.mention(), name=member.display_name, story=story
    )
    ctx.post(channel, Reply(post))
    points = ob.settings.intro_points
    if points > 0 and await ob.ledger.credit(
        ctx, member.id, points, Kind.INTRODUCTION, "introduced themselves", f"intro:{member.id}"
    ):
        earned = ob.ledger.amount(ctx.t, points)
        return Reply(ctx.t("onboarding.intro_posted_earned", channel=channel, credits=earned))
    return Reply(ctx.t("onboarding.intro_posted", channel=channel))


async def introduce_other(ctx: Context, ob: Onboarding, member: Member, who: str, text: str) -> Reply:
    why = _clean(text)
    identity, target = await _target(ctx, who)
    if target is not None:
        return await _introduce_member(ctx, ob, member, target, why)
    assert identity is not None
    if identity == ctx.actor:
        raise ThatIsYou()
    existing = await ob.repo.introduction_for(str(identity))
    if existing is not None or await ob.repo.introduce(member.id, str(identity), why, None, ctx.now) is None:
        by = await ctx.members.by_id(existing.introducer_id) if existing else None
        raise NewcomerIntroducedAlready(who, by.handle if by else None)
    code = await codes.code_of(ctx, ob.repo, member)
    name = ctx.config.community.name
    if identity.platform != "discord" and await ob.consent.may_message(identity):
        # Not a member yet: they read the community's language.
        t = ctx.t_for(None)
        invitation = t(
            "onboarding.invitation",
            name=member.display_name,
            member=member.mention(),
            community=name,
            why=why,
            code=code,
        )
        ctx.send_to(identity, Reply(invitation, language=t.language), MessageKind.INVITATION)
        return Reply(ctx.t("onboarding.invitation_sent", who=who))
    link = codes.whatsapp_link(ob.whatsapp_number, code) if identity.platform == "whatsapp" else None
    if link:
        return Reply(ctx.t("onboarding.intro_noted_link", who=who, link=link, code=code))
    return Reply(ctx.t("onboarding.intro_noted_code", who=who, code=code))


async def _introduce_member(ctx: Context, ob: Onboarding, member: Member, target: Member, why: str) -> Reply:
    """Someone who has joined but not finished: greet them now and credit the introducer later."""
    if target.id == member.id:
        raise ThatIsYou()
    if target.status is not MemberStatus.PENDING:
        raise NotANewcomer(target.handle, member_before=target.status is MemberStatus.LEFT)
    earlier = await ob.repo.introduction_of(target.id)
    if (
        earlier is not None
        or await ob.repo.introduce(member.id, f"member:{target.id}", why, target.id, ctx.now) is None
    ):
        by = await ctx.members.by_id(earlier.introducer_id) if earlier else None
        raise NewcomerIntroducedAlready(f"@{target.handle}", by.handle if by else None, joined=True)
    credited = await ob.repo.refer(target.id, member.id, "introduction", ctx.now)
    greeting = ctx.t_for(target)(
        "onboarding.introduced_you_to", member=member.mention(), community=ctx.config.community.name, why=why
    )
    ob.notify(ctx, target, greeting)
    channel = ctx.config.channels.introductions
    post = ctx.t_community(
        "onboarding.post_introduces", member=member.mention(), newcomer=target.mention(), why=why
    )
    ctx.post(channel, Reply(post))
    key = "onboarding.introduction_posted_credit_later" if credited else "onboarding.introduction_posted"
    return Reply(ctx.t(key, newcomer=target.mention(), channel=channel))


async def arrived(ctx: Context, ob: Onboarding, newcomer: Member) -> str | None:
    """A newcomer someone introduced has joined: attribute them, announce them; the welcome line."""
    assert ctx.actor is not None
    intro = await ob.repo.introduction_for(str(ctx.actor))
    if intro is None or intro.newcomer_id is not None:
        return None
    await ob.repo.arrived(intro.id, newcomer.id)
    introducer = await ctx.members.by_id(intro.introducer_id)
    if introducer is None or not introducer.is_active:
        return None
    await ob.repo.refer(newcomer.id, introducer.id, "introduction", ctx.now)  # a code given at JOIN wins
    post = ctx.t_community(
        "onboarding.post_introduced", member=introducer.mention(), newcomer=newcomer.mention(), why=intro.why
    )
    ctx.post(ctx.config.channels.introductions, Reply(post))
    notice = ctx.t_for(introducer)(
        "onboarding.your_newcomer_joined", name=newcomer.display_name, newcomer=newcomer.mention()
    )
    ob.notify(ctx, introducer, notice)
    return ctx.t("onboarding.introduced_you", member=introducer.mention(), why=intro.why)


async def prompt_reply(ctx: Context, ob: Onboarding, text: str) -> Reply | None:
    """A free-form message after the introduce-yourself prompt may be the member's introduction: it is
    shown back to be posted with one answer, never posted at once (a mistyped command would be public).
    Text that looks like a command (a close typo of one, or a first word in capitals) is left to be
    answered as one."""
    member = ctx.member
    if member is None or member.status is not MemberStatus.MEMBER or len(text) < MIN_REPLY_INTRO:
        return None
    if not ob.settings.guided or looks_like_a_command(ob, ctx, text):
        return None
    progress = await ob.repo.progress(member.id)
    if progress is None or progress.answered_at is None or progress.introduced_at is not None:
        return None
    story = _clean(text)
    return Reply(
        ctx.t("onboarding.intro_preview", story=story, channel=ctx.config.channels.introductions),
        choices=(Choice(ctx.t("onboarding.choice_post_it"), f"INTRO me {story}"),),
        private=True,
    )


def looks_like_a_command(ob: Onboarding, ctx: Context, text: str) -> bool:
    """A keyword in any language (`ACCEPTER`, `regole`), a close typo of one, or a first word in capitals."""
    if ob.commands.match(text) is not None:
        return True
    first = text.split()[0]
    letters = [c for c in first if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True
    return bool(ob.commands.suggest(text, ctx.role))


async def _target(ctx: Context, who: str) -> tuple[Identity | None, Member | None]:
    """The person named: a known member, or the identity of someone who has not joined."""
    if who in ctx.mentions:
        identity = ctx.mentions[who]
    elif who.startswith("@"):
        found = await ctx.members.by_handle(who[1:])
        if found is None:
            raise UnknownNewcomer(who)
        return None, found
    elif who.startswith("+"):
        try:
            identity = Identity.parse("whatsapp:" + who)
        except ValueError:
            raise NotAPhoneNumber(who) from None
    elif ":" in who:
        try:
            identity = Identity.parse(who)
        except ValueError:
            platform = who.partition(":")[0].lower()
            raise NotAnIdentity(who, platform if platform in PLATFORMS else None) from None
    else:
        raise WhoIsThat(who)
    return identity, await ctx.members.by_identity(identity)


def _clean(text: str) -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_TEXT:
        raise IntroductionTooLong(MAX_TEXT)
    return cleaned
