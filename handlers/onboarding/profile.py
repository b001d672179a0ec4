"""PROFILE: a member's answers to the onboarding questions, shown and changed."""

from __future__ import annotations

from handlers.context import Context
from handlers.errors import NotFound
from handlers.models import Choice, Reply
from handlers.onboarding import questions
from handlers.onboarding.settings import SKIP


async def profile(ctx: Context, question_key: str | None, typed: str | None) -> Reply:
    member = ctx.require_member()
    asked = ctx.config.onboarding.questions
    if not asked:
        return Reply(f"{ctx.config.community.name} has no profile questions.")
    if question_key is None:
        given = {a.question: a.answer for a in await ctx.services.onboarding.answers(member.id)}
        lines = ["Your profile:"]
        for question in asked:
            chosen = question.answer(given[question.key]) if given.get(question.key) else None
            lines.append(f"{question.key}: {question.text} — {chosen.label if chosen else 'not answered'}")
        lines.append(
            "Change one with PROFILE <question> <answer> (or PROFILE <question> to see the answers)."
        )
        return Reply("\n".join(lines))
    question = ctx.config.onboarding.question(question_key)
    if question is None:
        keys = ", ".join(q.key for q in asked)
        raise NotFound(f"There is no question “{question_key[:30]}”: use one of {keys}.")
    if typed is None:
        choices = tuple(Choice(c.label, f"PROFILE {question.key} {c.key}") for c in question.choices)
        return Reply(question.text, choices=(*choices, Choice("Clear", f"PROFILE {question.key} {SKIP}")))
    label = await questions.record(ctx, member, question, typed)
    return Reply(f"Saved: {question.key} is now {label}.")
