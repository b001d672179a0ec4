"""RULES, AGREE, ANSWER, PROFILE, INTRO, REFERRAL and REFERRALS."""

from __future__ import annotations

from handlers.context import Context
from handlers.feature import Commands
from handlers.models import MemberStatus, Reply, Role
from handlers.onboarding import _flow as flow
from handlers.onboarding import _intros as intros
from handlers.onboarding import _profile as profile
from handlers.onboarding import _sharing as sharing
from handlers.onboarding._state import Onboarding
from handlers.registry import Arg, ArgKind

commands: Commands[Onboarding] = Commands()


@commands.command("RULES", "the community's rules", permission=Role.EVERYONE, private=True)
async def rules(ctx: Context, ob: Onboarding) -> Reply:
    if not ob.settings.rules:
        return Reply(f"{ctx.config.community.name} has no rules to accept: be kind!")
    reply = flow.rules_reply(ctx, ob)
    pending = ctx.member is not None and ctx.member.status is MemberStatus.PENDING
    return reply if pending else Reply(reply.text.rsplit("\n", 1)[0])


@commands.command("AGREE", "accept the community's rules and become a member", private=True)
async def agree(ctx: Context, ob: Onboarding) -> Reply:
    return await flow.agree(ctx, ob)


@commands.command(
    "ANSWER",
    "answer the onboarding question you were just asked",
    Arg("question", ArgKind.WORD, "the question's key"),
    Arg("answer", ArgKind.WORD, "the answer's key, or skip"),
    private=True,
)
async def answer(ctx: Context, ob: Onboarding, question: str, answer: str) -> Reply:
    return await flow.answer(ctx, ob, question, answer)


@commands.command(
    "PROFILE",
    "your answers to the onboarding questions; change one",
    Arg("question", ArgKind.WORD, "the question's key", required=False),
    Arg("answer", ArgKind.WORD, "the answer's key (skip clears it)", required=False),
    private=True,
)
async def profile_command(ctx: Context, ob: Onboarding, question: str | None, answer: str | None) -> Reply:
    return await profile.profile(ctx, ob, question, answer)


@commands.command(
    "INTRO",
    "introduce yourself (INTRO me <story>) or a newcomer (INTRO @name|+phone <why>)",
    Arg("who", ArgKind.WORD, "me, @name or +phone in international form"),
    Arg("text", ArgKind.TEXT, "your story, or why they belong here"),
)
async def intro(ctx: Context, ob: Onboarding, who: str, text: str) -> Reply:
    member = ctx.require_member()
    if who.lower() == "me":
        return await intros.introduce_self(ctx, ob, member, text)
    return await intros.introduce_other(ctx, ob, member, who, text)


@commands.command("REFERRAL", "your referral code and invite links to share", private=True)
async def referral(ctx: Context, ob: Onboarding) -> Reply:
    return await sharing.referral(ctx, ob)


@commands.command("REFERRALS", "the people you brought and whether you were credited", private=True)
async def referrals(ctx: Context, ob: Onboarding) -> Reply:
    return await sharing.referrals(ctx, ob)
