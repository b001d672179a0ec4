"""Joining with rules: pending until AGREE, then the questions, then the invitation to introduce oneself."""

from __future__ import annotations

from handlers.context import Context
from handlers.membership import Joining
from handlers.models import Choice, Member, MemberStatus, Reply, Role
from handlers.onboarding import _intros as intros
from handlers.onboarding import _nudges as nudges
from handlers.onboarding import _questions as questions
from handlers.onboarding import _referrals as referrals
from handlers.onboarding._errors import AgreedAlready, NoSuchQuestion, NotAsked, RulesFirst
from handlers.onboarding._state import Onboarding
from handlers.registry import Command

ALLOWED_WHILE_PENDING = frozenset({"AGREE", "RULES", "WHOAMI", "LANGUAGE"})
"""Member commands a newcomer may use before accepting the rules (by their English name: the localized
keywords run the same command); LANGUAGE so that they can read the rules in their own language."""


def rules_reply(ctx: Context, ob: Onboarding, lead: str = "", to_accept: bool = True) -> Reply:
    """The rules (the admin's words, as written); `to_accept`: with how to accept them, and the button."""
    t = ctx.t
    lines = [lead + t("onboarding.rules_title", community=ctx.config.community.name)]
    lines += [f"{number}. {rule}" for number, rule in enumerate(ob.settings.rules, 1)]
    if not to_accept:
        return Reply("\n".join(lines))
    lines.append(t("onboarding.rules_send_agree"))
    return Reply("\n".join(lines), choices=(Choice(t("onboarding.choice_agree"), "AGREE"),))


async def gate(ctx: Context, ob: Onboarding, command: Command) -> None:
    """Pending newcomers are told why member commands wait (staff commands are checked as usual)."""
    member = ctx.member
    if member is None or member.status is not MemberStatus.PENDING:
        return
    if command.permission is Role.MEMBER and command.name not in ALLOWED_WHILE_PENDING:
        raise RulesFirst(ctx.config.community.name, command.name, command.localized)


async def joined(ctx: Context, ob: Onboarding, member: Member, joining: Joining) -> Reply | None:
    """Listener on every join (JOIN, JOIN <code>, platform join): what is added to the welcome."""
    repo = ob.repo
    config = ob.settings
    # A member tracked before, or created before now (from before onboarding existed), is coming back.
    rejoin = await repo.progress(member.id) is not None or member.joined_at < ctx.now
    await repo.begin(member.id)
    if rejoin:
        line = await referrals.on_rejoin(ctx, ob, member, joining.code if joining.typed else None)
        progress = await repo.progress(member.id)
        if config.rules and (progress is None or progress.agreed_at is None):
            ctx.member = await ctx.members.set_status(member.id, MemberStatus.PENDING)
            return rules_reply(ctx, ob, lead=f"{line}\n" if line else "")
        return Reply(line) if line else None
    if config.rules:  # a newcomer waits for AGREE before taking part
        member = ctx.member = await ctx.members.set_status(member.id, MemberStatus.PENDING)
    lines = [
        line
        for line in (
            await referrals.attribute(ctx, ob, member, joining.code, joining.typed),
            await intros.arrived(ctx, ob, member),
        )
        if line
    ]
    await nudges.schedule(ctx, ob, member)
    lead = "".join(f"{line}\n" for line in lines)
    if config.rules:
        return rules_reply(ctx, ob, lead)
    if config.guided:
        return await advance(ctx, ob, member, lead)
    await referrals.completed(ctx, ob, member)  # nothing to walk through: joining is onboarding
    return Reply(lead.strip()) if lead else None


async def advance(ctx: Context, ob: Onboarding, member: Member, lead: str = "") -> Reply:
    """Ask the next question, or finish onboarding and invite the member to introduce themselves."""
    repo = ob.repo
    found = await questions.next_question(ob, member)
    if found is not None:
        question, number = found
        await repo.ask(member.id, question.key, ctx.now)
        return questions.ask(ctx.t, question, number, len(ob.settings.questions), lead)
    progress = await repo.progress(member.id)
    await repo.ask(member.id, None, ctx.now)
    if progress is None or progress.answered_at is None:
        await referrals.completed(ctx, ob, member)
    if progress is not None and progress.introduced_at is not None:
        return Reply(lead + ctx.t("onboarding.all_set"), private=True)
    return Reply(lead + ctx.t("onboarding.last_step"), private=True)


async def agree(ctx: Context, ob: Onboarding) -> Reply:
    member = ctx.require_member()
    if member.status is MemberStatus.MEMBER:
        raise AgreedAlready()
    member = ctx.member = await ctx.members.set_status(member.id, MemberStatus.MEMBER)
    await ob.repo.agree(member.id, ctx.now)
    role = ob.settings.member_role
    if role:
        await ctx.update_role(member, role, True, "accepted the community rules")
    return await advance(ctx, ob, member, ctx.t("onboarding.agreed", name=member.display_name) + "\n")


async def answer(ctx: Context, ob: Onboarding, question_key: str, typed: str) -> Reply:
    member = ctx.require_member()
    question = ob.settings.question(question_key)
    if question is None:
        raise NoSuchQuestion(question_key)
    progress = await ob.repo.progress(member.id)
    if progress is None or progress.asking != question.key:
        raise NotAsked(question.key)
    chosen = await questions.record(ctx, ob, member, question, typed)
    noted = (
        ctx.t("onboarding.answer_skipped")
        if chosen is None
        else ctx.t("onboarding.answer_noted", answer=chosen.label)
    )
    return await advance(ctx, ob, member, noted + "\n")
