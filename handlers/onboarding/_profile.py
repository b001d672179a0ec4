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
    t = ctx.t
    asked = ob.settings.questions
    if not asked:
        return Reply(t("onboarding.no_profile_questions", community=ctx.config.community.name))
    if question_key is None:
        given = {a.question: a.answer for a in await ob.repo.answers(member.id)}
        lines = [t("onboarding.profile_title")]
        for question in asked:
            key = given.get(question.key)
            chosen = question.answer(key) if key else None
            if chosen is None:
                lines.append(t("onboarding.profile_unanswered", key=question.key, question=question.text))
            else:
                lines.append(
                    t(
                        "onboarding.profile_answer",
                        key=question.key,
                        question=question.text,
                        answer=chosen.label,
                    )
                )
        lines.append(t("onboarding.profile_change"))
        return Reply("\n".join(lines))
    found = ob.settings.question(question_key)
    if found is None:
        raise NoSuchQuestion(question_key, [q.key for q in asked])
    question = found
    if typed is None:
        choices = tuple(Choice(c.label, f"PROFILE {question.key} {c.key}") for c in question.choices)
        clear = Choice(t("onboarding.choice_clear"), f"PROFILE {question.key} {SKIP}")
        return Reply(question.text, choices=(*choices, clear))
    chosen = await questions.record(ctx, ob, member, question, typed)
    if chosen is None:
        return Reply(t("onboarding.profile_cleared", question=question.key))
    return Reply(t("onboarding.profile_saved", question=question.key, answer=chosen.label))
