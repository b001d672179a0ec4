"""Texts made from surveys and answers: the question with its 0-10 choices, the reason question, the thanks
for each kind of answer, the moderators' follow-up post and the results."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.deadlines import when
from handlers.errors import shorten
from handlers.i18n import Translator
from handlers.models import Choice, Reply
from handlers.nps._models import Category, FollowUp, Survey, Tally

SCORES = range(11)
EXCERPT = 200
"""Characters of a reason shown in a list line; the follow-up post shows it whole."""


def score_choices() -> tuple[Choice, ...]:
    """0 to 10: buttons on Discord; on WhatsApp and the console typed as they read (`7` is 7, not the
    seventh choice)."""
    return tuple(Choice(str(n), f"NPS {n}", typed=True) for n in SCORES)


def question(t: Translator, community: str, closes: datetime, zone: ZoneInfo) -> Reply:
    text = t("nps.question", community=community, deadline=when(t, closes, zone))
    return Reply(text, choices=score_choices())


def reason_question(t: Translator, score: int) -> Reply:
    """After the score: why (a form on Discord; elsewhere the next message), or skip."""
    choices = (
        Choice(t("nps.reason_button"), "NPS REASON", ask=t("nps.reason_ask")),
        Choice(t("nps.skip_button"), "NPS REASON skip"),
    )
    return Reply(t("nps.reason_question", score=str(score)), choices=choices)


def thanks(t: Translator, category: Category, community: str, code: str | None, link: str | None) -> Reply:
    """The last answer: promoters are invited to introduce someone with their referral code."""
    if category is Category.PROMOTER and code is not None:
        lines = [t("nps.thanks_promoter", community=community, code=code)]
        if link:
            lines.append(t("nps.referral_link", link=link))
        return Reply("\n".join(lines), choices=(Choice(t("nps.referral_button"), "REFERRAL"),))
    if category is Category.DETRACTOR:
        return Reply(t("nps.thanks_detractor"))
    return Reply(t("nps.thanks_passive"))


def signed(t: Translator, score: int) -> str:
    """`+30`, `−20`, `0`: an NPS always shows its sign."""
    if score > 0:
        return "+" + t.number(score)
    if score < 0:
        return "−" + t.number(-score)
    return t.number(0)


def follow_up_post(t: Translator, follow_up: FollowUp) -> Reply:
    """The moderators' queue: who scored what, and why."""
    number = str(follow_up.id)
    lines = [t("nps.follow_up_post", number=number, handle=follow_up.handle, score=str(follow_up.score))]
    if follow_up.reason:
        lines.append(t("nps.follow_up_reason", reason=follow_up.reason))
    else:
        lines.append(t("nps.follow_up_no_reason"))
    return Reply("\n".join(lines), choices=(done_choice(t, follow_up),))


def done_choice(t: Translator, follow_up: FollowUp) -> Choice:
    return Choice(t("nps.done_button", number=str(follow_up.id)), f"NPS DONE {follow_up.id}")


def follow_up_line(t: Translator, follow_up: FollowUp) -> str:
    values = {"number": str(follow_up.id), "handle": follow_up.handle, "score": str(follow_up.score)}
    if follow_up.reason:
        return t("nps.follow_up_line", reason=shorten(follow_up.reason, EXCERPT), **values)
    if follow_up.reason_at is None:
        return t("nps.follow_up_line_waiting", **values)
    return t("nps.follow_up_line_no_reason", **values)


def results(t: Translator, survey: Survey, tally: Tally, zone: ZoneInfo) -> list[str]:
    """The survey's score with its counts, response rate and, under 30 answers, how much to trust it."""
    day = t.date(survey.started_at.astimezone(zone).date())
    lines = [t("nps.report_title", number=str(survey.id), day=day)]
    score = tally.score
    if score is None:
        lines.append(t("nps.report_no_answers"))
    else:
        lines.append(t("nps.report_score", score=signed(t, score), count=tally.answers))
        lines.append(
            t(
                "nps.report_split",
                promoters=tally.promoters,
                passives=tally.passives,
                detractors=tally.detractors,
            )
        )
    rate = tally.response_rate
    if rate is not None:
        lines.append(t("nps.report_rate", count=tally.asked, answers=tally.answers, percent=rate))
    if tally.waiting:
        lines.append(t("nps.report_waiting", count=tally.waiting))
    if score is not None and not tally.confident:
        lines.append(t("nps.report_unsure", count=tally.answers))
    return lines
