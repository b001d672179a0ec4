"""Texts made from ideas: a status in the reader's words, a line of IDEAS, one idea, the triage buttons."""

from __future__ import annotations

from handlers.errors import shorten
from handlers.feedback._models import Idea, IdeaStatus
from handlers.i18n import Translator
from handlers.models import Choice

EXCERPT = 120
"""Characters of an idea shown in a list or a notice; IDEA shows it whole."""

_STATUS_NAMES = {
    IdeaStatus.NEW: "feedback.status_new",
    IdeaStatus.PLANNED: "feedback.status_planned",
    IdeaStatus.SHIPPED: "feedback.status_shipped",
    IdeaStatus.DECLINED: "feedback.status_declined",
}


def status_name(t: Translator, value: IdeaStatus) -> str:
    return t(_STATUS_NAMES[value])


def excerpt(t: Translator, idea: Idea) -> str:
    if idea.erased:
        return t("feedback.erased")
    return shorten(idea.text, EXCERPT)


def line(t: Translator, idea: Idea, own: bool = False, backed: bool = False) -> str:
    """`#3 Refillable pods · 12 backers · planned · you back it`."""
    text = t(
        "feedback.list_line",
        number=str(idea.id),
        text=excerpt(t, idea),
        count=idea.backers,
        status=status_name(t, idea.status),
    )
    if own:
        text += " · " + t("feedback.yours_mark")
    elif backed:
        text += " · " + t("feedback.backed_mark")
    return text


def back_choice(t: Translator, idea: Idea) -> Choice:
    return Choice(t("feedback.back_button", number=str(idea.id)), f"BACK {idea.id}")


def unback_choice(t: Translator, idea: Idea) -> Choice:
    return Choice(t("feedback.unback_button", number=str(idea.id)), f"UNBACK {idea.id}")


def triage_choices(t: Translator, idea: Idea) -> tuple[Choice, ...]:
    """One button per status it could move to (a moderator's click runs IDEA STATUS)."""
    return tuple(
        Choice(t("feedback.mark_button", status=status_name(t, s)), f"IDEA STATUS {idea.id} {s.value}")
        for s in IdeaStatus
        if s is not idea.status
    )


def triage(t: Translator, idea: Idea) -> str:
    """The moderators' queue: who sent what."""
    return t("feedback.to_triage", number=str(idea.id), handle=idea.handle, text=idea.text)


def notice(
    t: Translator, idea: Idea, status: IdeaStatus, author: bool, note: str | None, credits: str | None
) -> str:
    """What the author (with the credits it earned them) or a backer reads when the status changes."""
    key = "feedback.yours_now" if author else "feedback.backed_now"
    lines = [t(key, number=str(idea.id), text=excerpt(t, idea), status=status_name(t, status))]
    if note:
        lines.append(t("feedback.note", note=note))
    if credits is not None:
        lines.append(t("feedback.earned", credits=credits))
    return "\n".join(lines)
