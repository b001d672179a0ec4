"""Installs onboarding into the core: join listener, pending gate, commands, jobs and the intro reply."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from handlers.context import Context
from handlers.models import Member, MemberStatus, Reply, Role
from handlers.onboarding import flow, intros, nudges, profile, referrals, sharing
from handlers.onboarding.ports import InviteMaker
from handlers.points.engine import PointsEngine
from handlers.registry import Arg, ArgKind

if TYPE_CHECKING:
    from handlers.core import Core


def install(core: Core) -> None:
    engine: PointsEngine = core.features["points"]
    registry = core.registry
    # Adapters whose platform has invite links (the Discord one, through the messenger router).
    inviter: InviteMaker | None = core.messenger if hasattr(core.messenger, "create_invite") else None  # type: ignore[assignment]

    async def joined(ctx: Context, member: Member) -> Reply | None:
        return await flow.joined(ctx, engine, member)

    async def left(ctx: Context, member: Member) -> None:
        await referrals.left(ctx, engine, member)

    async def referral_check(ctx: Context, payload: dict[str, Any]) -> None:
        await referrals.check_job(ctx, engine, payload)

    async def unmatched(ctx: Context, text: str) -> Reply | None:
        return await intros.prompt_reply(ctx, engine, text)

    core.hooks.joined.append(joined)
    core.hooks.left.append(left)
    core.hooks.gates.append(flow.gate)
    core.hooks.unmatched.append(unmatched)
    core.hooks.jobs[nudges.JOB] = nudges.run
    core.hooks.jobs[referrals.CHECK_JOB] = referral_check

    @registry.command("RULES", "the community's rules", permission=Role.EVERYONE, private=True)
    async def rules_command(ctx: Context) -> Reply:
        if not ctx.config.onboarding.rules:
            return Reply(f"{ctx.config.community.name} has no rules to accept: be kind!")
        reply = flow.rules_reply(ctx)
        pending = ctx.member is not None and ctx.member.status is MemberStatus.PENDING
        return reply if pending else Reply(reply.text.rsplit("\n", 1)[0])

    @registry.command("AGREE", "accept the community's rules and become a member", private=True)
    async def agree_command(ctx: Context) -> Reply:
        return await flow.agree(ctx, engine)

    @registry.command(
        "ANSWER",
        "answer the onboarding question you were just asked",
        Arg("question", ArgKind.WORD, "the question's key"),
        Arg("answer", ArgKind.WORD, "the answer's key, or skip"),
        private=True,
    )
    async def answer_command(ctx: Context, question: str, answer: str) -> Reply:
        return await flow.answer(ctx, engine, question, answer)

    @registry.command(
        "PROFILE",
        "your answers to the onboarding questions; change one",
        Arg("question", ArgKind.WORD, "the question's key", required=False),
        Arg("answer", ArgKind.WORD, "the answer's key (skip clears it)", required=False),
        private=True,
    )
    async def profile_command(ctx: Context, question: str | None, answer: str | None) -> Reply:
        return await profile.profile(ctx, question, answer)

    @registry.command(
        "INTRO",
        "introduce yourself (INTRO me <story>) or a newcomer (INTRO @name|+phone <why>)",
        Arg("who", ArgKind.WORD, "me, @name or +phone in international form"),
        Arg("text", ArgKind.TEXT, "your story, or why they belong here"),
    )
    async def intro_command(ctx: Context, who: str, text: str) -> Reply:
        member = ctx.require_member()
        if who.lower() == "me":
            return await intros.introduce_self(ctx, engine, member, text)
        return await intros.introduce_other(ctx, member, who, text)

    @registry.command("REFERRAL", "your referral code and invite links to share", private=True)
    async def referral_command(ctx: Context) -> Reply:
        return await sharing.referral(ctx, inviter)

    @registry.command("REFERRALS", "the people you brought and whether you were credited", private=True)
    async def referrals_command(ctx: Context) -> Reply:
        return await sharing.referrals(ctx)
