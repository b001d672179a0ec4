"""Texts made from ideas: a status in the reader's words, a line of IDEAS, an excerpt."""

from __future__ import annotations

from handlers.feedback._models import Idea, IdeaStatus
from handlers.i18n import Translator

EXCERPT = 120


def status(t: Translator, value: IdeaStatus) -> str:
    if value is IdeaStatus.PLANNED:
        return t("feedback.status_planned")
    if value is IdeaStatus.SHIPPED:
        return t("feedback.status_shipped")
    if value is IdeaStatus.DECLINED:
        return t("feedback.status_declined")
    return t("feedback.status_new")


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def line(t: Translator, idea: Idea) -> str:
    """`#3 Refillable pods · 12 backers · planned`."""
    return t(
        "feedback.list_line",
        number=str(idea.id),
        text=excerpt(idea.text),
        count=idea.backers,
        status=status(t, idea.status),
    )
