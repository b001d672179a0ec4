"""The feedback feature's section of the newsletter: members' ideas that shipped in the week."""

from __future__ import annotations

from handlers.digest import DigestSection, Place, Week
from handlers.errors import shorten
from handlers.feedback._state import Feedback
from handlers.i18n import Translator


async def week(feedback: Feedback, week: Week, t: Translator) -> DigestSection | None:
    shipped = await feedback.repo.shipped_between(week.since, week.until)
    if not shipped:
        return None
    lines = tuple(
        t(
            "feedback.digest_line",
            number=str(i.id),
            text=shorten(i.text, 120),
            handle=i.handle,
            count=i.backers,
        )
        for i in shipped
    )
    return DigestSection(
        Place.FEEDBACK,
        t("feedback.digest_title"),
        lines,
        t("feedback.digest_headline", count=len(shipped)),
        len(shipped),
    )
