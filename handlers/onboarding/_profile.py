"""PROFILE: a member's answers to the onboarding questions, shown and changed."""

from __future__ import annotations

from handlers.context import Context
from handlers.models import Choice, Reply
from handlers.onboarding import _questions as questions
from handlers.onboarding._errors import NoSuchQuestion
from handlers.onboarding._settings import SKIP
from handlers.onboarding._state import Onboarding


async def profile(ctx: Context, ob: Onboarding, question_key: str | None, typed: str | None) -> Reply:
    member = ctx.require_member()
    asked = ob.settings.questions
    if not asked:
        return Reply(f"{ctx.config.community.name} has no profile questions.")
    if question_key is None:
        given = {a.question: a.answer for a in await ob.repo.answers(member.id)}
        lines = ["Your profile:"]
        for question in asked:
            key = given.get(question.key)
            chosen = question.answer(key) if key else None
            lines.append(f"{question.key}: {question.text} — {chosen.label if chosen else 'not answered'}")
        lines.append(
            "Change one with PROFILE <question> <answer> (or PROFILE <question> to see the answers)."
        )
        return Reply("\n".join(lines))
    found = ob.settings.question(question_key)
    if found is None:
        raise NoSuchQuestion(question_key, [q.key for q in asked])
    question = found
    if typed is None:
        choices = tuple(Choice(c.label, f"PROFILE {question.key} {c.key}") for c in question.choices)
        return Reply(question.text, choices=(*choices, Choice("Clear", f"PROFILE {question.key} {SKIP}")))
    label = await questions.record(ctx, ob, member, question, typed)
    return Reply(f"Saved: {question.key} is now {label}.")
