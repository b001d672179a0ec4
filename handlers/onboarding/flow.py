"""Joining with rules: pending until AGREE, then the questions, then the invitation to introduce oneself."""

from __future__ import annotations

from handlers.context import Context
from handlers.errors import Conflict, NotFound, PermissionDenied
from handlers.models import Choice, Member, MemberStatus, Reply, Role
from handlers.onboarding import intros, nudges, questions, referrals
from handlers.points.engine import PointsEngine
from handlers.registry import Command

ALLOWED_WHILE_PENDING = frozenset({"AGREE", "RULES", "WHOAMI"})
"""Member commands a newcomer may use before accepting the rules."""


def rules_reply(ctx: Context, lead: str = "") -> Reply:
    rules = ctx.config.onboarding.rules
    lines = [f"{lead}The rules of {ctx.config.community.name}:"]
    lines += [f"{number}. {rule}" for number, rule in enumerate(rules, 1)]
    lines.append("Send AGREE to accept them and take part.")
    return Reply("\n".join(lines), choices=(Choice("I agree", "AGREE"),))


async def gate(ctx: Context, command: Command) -> None:
    """Pending newcomers are told why member commands wait (staff commands are checked as usual)."""
    member = ctx.member
    if member is None or member.status is not MemberStatus.PENDING:
        return
    if command.permission is Role.MEMBER and command.name not in ALLOWED_WHILE_PENDING:
        raise PermissionDenied(
            f"You haven't accepted the rules of {ctx.config.community.name} yet, so {command.name} has to "
            "wait: send AGREE to accept them (RULES shows them)."
        )


def _forget(ctx: Context, engine: PointsEngine, member: Member) -> None:
    """The points engine caches members with their status: reload them once the change is committed."""
    actor = ctx.actor

    def forget() -> None:
        if actor is not None:
            engine.forget(actor, member)

    ctx.after_commit.append(forget)


async def joined(ctx: Context, engine: PointsEngine, member: Member) -> Reply | None:
    """Listener on every join (JOIN, JOIN <code>, platform join): what is added to the welcome."""
    repo = ctx.services.onboarding
    config = ctx.config.onboarding
    message = ctx.message
    code = message.invite_code if message is not None else None
    typed = message is not None and bool(message.text.strip())  # platform join events carry no text
    # A member tracked before, or created before now (from before onboarding existed), is coming back.
    rejoin = await repo.progress(member.id) is not None or member.joined_at < ctx.now
    await repo.begin(member.id)
    if rejoin:
        line = await referrals.on_rejoin(ctx, member, code if typed else None)
        progress = await repo.progress(member.id)
        if config.rules and (progress is None or progress.agreed_at is None):
            ctx.member = await ctx.services.members.set_status(member.id, MemberStatus.PENDING, ctx.now)
            return rules_reply(ctx, lead=f"{line}\n" if line else "")
        return Reply(line) if line else None
    lines = [
        line
        for line in (
            await referrals.attribute(ctx, member, code, typed),
            await intros.arrived(ctx, member),
        )
        if line
    ]
    await nudges.schedule(ctx, member)
    lead = "".join(f"{line}\n" for line in lines)
    if config.rules:
        return rules_reply(ctx, lead)
    if config.guided:
        return await advance(ctx, engine, member, lead)
    await referrals.completed(ctx, engine, member)  # nothing to walk through: joining is onboarding
    return Reply(lead.strip()) if lead else None


async def advance(ctx: Context, engine: PointsEngine, member: Member, lead: str = "") -> Reply:
    """Ask the next question, or finish onboarding and invite the member to introduce themselves."""
    repo = ctx.services.onboarding
    found = await questions.next_question(ctx, member)
    if found is not None:
        question, number = found
        await repo.ask(member.id, question.key, ctx.now)
        return questions.ask(question, number, len(ctx.config.onboarding.questions), lead)
    progress = await repo.progress(member.id)
    await repo.ask(member.id, None, ctx.now)
    if progress is None or progress.answered_at is None:
        await referrals.completed(ctx, engine, member)
    if progress is not None and progress.introduced_at is not None:
        return Reply(f"{lead}You're all set. Send HELP to see what you can do.".strip(), private=True)
    return Reply(
        f"{lead}Last step: introduce yourself! Tell us in a few sentences why you joined: reply here, "
        "or send INTRO me <your story>.",
        private=True,
    )


async def agree(ctx: Context, engine: PointsEngine) -> Reply:
    member = ctx.require_member()
    if member.status is MemberStatus.MEMBER:
        raise Conflict(
            "You are already a full member: there is nothing to accept. Send HELP to see what you can do."
        )
    member = await ctx.services.members.set_status(member.id, MemberStatus.MEMBER, ctx.now)
    ctx.member = member
    await ctx.services.onboarding.agree(member.id, ctx.now)
    role = ctx.config.onboarding.member_role
    if role:
        await ctx.update_role(member, role, True, "accepted the community rules")
    _forget(ctx, engine, member)
    return await advance(ctx, engine, member, f"Thank you, {member.display_name}: you are now a member!\n")


async def answer(ctx: Context, engine: PointsEngine, question_key: str, typed: str) -> Reply:
    member = ctx.require_member()
    question = ctx.config.onboarding.question(question_key)
    if question is None:
        raise NotFound(f"There is no question “{question_key[:30]}”. PROFILE lists the questions.")
    progress = await ctx.services.onboarding.progress(member.id)
    if progress is None or progress.asking != question.key:
        raise Conflict(
            f"The question {question.key} is not waiting for an answer: change answers with "
            f"PROFILE {question.key} <answer>."
        )
    label = await questions.record(ctx, member, question, typed)
    return await advance(ctx, engine, member, f"Noted: {label}.\n")
