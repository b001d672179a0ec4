"""Onboarding questions: asked one at a time after the rules are accepted, answered with choices."""

from __future__ import annotations

from handlers.context import Context
from handlers.i18n import Translator
from handlers.models import Choice, Member, Reply
from handlers.onboarding._errors import NotAnAnswer
from handlers.onboarding._settings import SKIP, AnswerConfig, QuestionConfig
from handlers.onboarding._state import Onboarding
from handlers.onboarding._words import in_any_language


def ask(t: Translator, question: QuestionConfig, number: int, total: int, lead: str = "") -> Reply:
    choices = tuple(Choice(c.label, f"ANSWER {question.key} {c.key}") for c in question.choices)
    asked = t("onboarding.question_number", number=number, total=total, question=question.text)
    return Reply(
        f"{lead}{asked}",
        choices=(*choices, Choice(t("onboarding.choice_skip"), f"ANSWER {question.key} {SKIP}")),
        private=True,
    )


async def next_question(ob: Onboarding, member: Member) -> tuple[QuestionConfig, int] | None:
    """The first question the member has neither answered nor skipped, with its number."""
    done = {a.question for a in await ob.repo.answers(member.id)}
    for number, question in enumerate(ob.settings.questions, 1):
        if question.key not in done:
            return question, number
    return None


def chosen_answer(ctx: Context, question: QuestionConfig, typed: str) -> AnswerConfig | None:
    """The answer typed, or None for a skip (`skip`, or the word in the member's language)."""
    if typed.lower() == SKIP:
        return None
    chosen = question.answer(typed)
    if chosen is None:  # an answer's own key wins over a skip word of another language
        if in_any_language(ctx, SKIP, "onboarding.word_skip", typed):
            return None
        raise NotAnAnswer(typed, question.key, [c.key for c in question.choices])
    return chosen


async def record(
    ctx: Context, ob: Onboarding, member: Member, question: QuestionConfig, typed: str
) -> AnswerConfig | None:
    """Store an answer (or a skip) with its segment and move the answer's platform role; the answer."""
    chosen = chosen_answer(ctx, question, typed)
    before = {a.question: a.answer for a in await ob.repo.answers(member.id)}.get(question.key)
    old = question.answer(before) if before else None
    await ob.repo.answer(
        member.id, question.key, chosen.key if chosen else None, chosen.segment if chosen else None, ctx.now
    )
    if old is not None and old.role and (chosen is None or chosen.role != old.role):
        await ctx.update_role(member, old.role, False, f"changed their answer to {question.key}")
    if chosen is not None and chosen.role and (old is None or old.role != chosen.role):
        await ctx.update_role(member, chosen.role, True, f"answered {question.key}: {chosen.label}")
    return chosen
