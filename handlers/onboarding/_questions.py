"""Onboarding questions: asked one at a time after the rules are accepted, answered with choices."""

from __future__ import annotations

from handlers.context import Context
from handlers.models import Choice, Member, Reply
from handlers.onboarding._errors import NotAnAnswer
from handlers.onboarding._settings import SKIP, QuestionConfig
from handlers.onboarding._state import Onboarding


def ask(question: QuestionConfig, number: int, total: int, lead: str = "") -> Reply:
    choices = tuple(Choice(c.label, f"ANSWER {question.key} {c.key}") for c in question.choices)
    return Reply(
        f"{lead}Question {number} of {total}: {question.text}",
        choices=(*choices, Choice("Skip", f"ANSWER {question.key} {SKIP}")),
        private=True,
    )


async def next_question(ob: Onboarding, member: Member) -> tuple[QuestionConfig, int] | None:
    """The first question the member has neither answered nor skipped, with its number."""
    done = {a.question for a in await ob.repo.answers(member.id)}
    for number, question in enumerate(ob.settings.questions, 1):
        if question.key not in done:
            return question, number
    return None


async def record(ctx: Context, ob: Onboarding, member: Member, question: QuestionConfig, typed: str) -> str:
    """Store an answer (or a skip) with its segment and move the answer's platform role; its label."""
    if typed.lower() == SKIP:
        chosen = None
    else:
        chosen = question.answer(typed)
        if chosen is None:
            raise NotAnAnswer(typed, question.key, [c.key for c in question.choices])
    before = {a.question: a.answer for a in await ob.repo.answers(member.id)}.get(question.key)
    old = question.answer(before) if before else None
    await ob.repo.answer(
        member.id, question.key, chosen.key if chosen else None, chosen.segment if chosen else None, ctx.now
    )
    if old is not None and old.role and (chosen is None or chosen.role != old.role):
        await ctx.update_role(member, old.role, False, f"changed their answer to {question.key}")
    if chosen is not None and chosen.role and (old is None or old.role != chosen.role):
        await ctx.update_role(member, chosen.role, True, f"answered {question.key}: {chosen.label}")
    return chosen.label if chosen else "skipped"
