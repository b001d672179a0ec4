"""Texts made from challenges: the post that opens one, listings, the review queue, the results."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.challenges._models import Challenge, ChallengeState, Review, Submission, SubmissionState
from handlers.deadlines import when
from handlers.errors import shorten
from handlers.i18n import Translator

EXCERPT = 200


def post(t: Translator, challenge: Challenge, tz: ZoneInfo, credits: str | None) -> str:
    """`🎯 Challenge #1: Best mug photo`, what to do, until when, what it earns, how to take part."""
    lines = [
        t("challenges.post_title", number=str(challenge.id), title=challenge.title),
        challenge.description,
    ]
    lines.append(t("challenges.until", deadline=when(t, challenge.ends_at, tz)))
    if credits is not None:
        lines.append(t("challenges.points_note", credits=credits))
    lines.append(t("challenges.how", number=str(challenge.id), count=challenge.per_member))
    return "\n".join(lines)


def state_of(t: Translator, submission: Submission) -> str:
    if submission.state is SubmissionState.APPROVED:
        return t("challenges.state_approved")
    if submission.state is SubmissionState.REJECTED:
        return t("challenges.state_rejected", reason=submission.reason or "")
    return t("challenges.state_pending")


def listing_line(t: Translator, challenge: Challenge, tz: ZoneInfo) -> str:
    number, title = str(challenge.id), challenge.title
    if challenge.state is ChallengeState.OPEN:
        return t("challenges.list_open", number=number, title=title, deadline=when(t, challenge.ends_at, tz))
    return t("challenges.list_ended", number=number, title=title)


def queue_line(t: Translator, submission: Submission, challenge: Challenge) -> str:
    """`#12 for challenge #1 by @alice: “...”` (by a member, in a blind review)."""
    who = t("challenges.someone") if challenge.blind else f"@{submission.handle}"
    line = t(
        "challenges.queue_line",
        number=str(submission.id),
        challenge=str(challenge.id),
        who=who,
        text=shorten(submission.text, EXCERPT),
    )
    return f"{line} {t('challenges.files', count=submission.media)}" if submission.media else line


def is_manual(challenge: Challenge) -> bool:
    return challenge.review is Review.MANUAL
