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
from handlers.onboarding._words import in_any_language
from handlers.registry import Arg, ArgKind

commands: Commands[Onboarding] = Commands()


@commands.command(
    "RULES",
    "onboarding.cmd_rules",
    permission=Role.EVERYONE,
    private=True,
    localized={"fr": "REGLES", "it": "REGOLE"},
)
async def rules(ctx: Context, ob: Onboarding) -> Reply:
    if not ob.settings.rules:
        return Reply(ctx.t("onboarding.no_rules", community=ctx.config.community.name))
    pending = ctx.member is not None and ctx.member.status is MemberStatus.PENDING
    return flow.rules_reply(ctx, ob, to_accept=pending)


@commands.command(
    "AGREE", "onboarding.cmd_agree", private=True, localized={"fr": "ACCEPTER", "it": "ACCETTO"}
)
async def agree(ctx: Context, ob: Onboarding) -> Reply:
    return await flow.agree(ctx, ob)


@commands.command(
    "ANSWER",
    "onboarding.cmd_answer",
    Arg("question", ArgKind.WORD, "onboarding.arg_question_help"),
    Arg("answer", ArgKind.WORD, "onboarding.arg_answer_help"),
    private=True,
    localized={"fr": "REPONDRE", "it": "RISPONDI"},
)
async def answer(ctx: Context, ob: Onboarding, question: str, answer: str) -> Reply:
    return await flow.answer(ctx, ob, question, answer)


@commands.command(
    "PROFILE",
    "onboarding.cmd_profile",
    Arg("question", ArgKind.WORD, "onboarding.arg_question_help", required=False),
    Arg("answer", ArgKind.WORD, "onboarding.arg_profile_answer_help", required=False),
    private=True,
    localized={"fr": "PROFIL", "it": "PROFILO"},
)
async def profile_command(ctx: Context, ob: Onboarding, question: str | None, answer: str | None) -> Reply:
    return await profile.profile(ctx, ob, question, answer)


@commands.command(
    "INTRO",
    "onboarding.cmd_intro",
    Arg("who", ArgKind.WORD, "onboarding.arg_who_help"),
    Arg("text", ArgKind.TEXT, "onboarding.arg_text_help"),
    localized={"fr": "PRESENTATION", "it": "PRESENTAZIONE"},
)
async def intro(ctx: Context, ob: Onboarding, who: str, text: str) -> Reply:
    member = ctx.require_member()
    if in_any_language(ctx, "me", "onboarding.word_me", who):
        return await intros.introduce_self(ctx, ob, member, text)
    return await intros.introduce_other(ctx, ob, member, who, text)


@commands.command(
    "REFERRAL",
    "onboarding.cmd_referral",
    private=True,
    localized={"fr": "PARRAINAGE", "it": "INVITO"},
)
async def referral(ctx: Context, ob: Onboarding) -> Reply:
    return await sharing.referral(ctx, ob)


@commands.command(
    "REFERRALS",
    "onboarding.cmd_referrals",
    private=True,
    localized={"fr": "FILLEULS", "it": "INVITATI"},
)
async def referrals(ctx: Context, ob: Onboarding) -> Reply:
    return await sharing.referrals(ctx, ob)
