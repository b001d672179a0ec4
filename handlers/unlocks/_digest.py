"""The unlocks feature's section of the newsletter: the offers the community unlocked in the week."""

from __future__ import annotations

from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator
from handlers.unlocks._state import Unlocks


async def week(unlocks: Unlocks, week: Week, t: Translator) -> DigestSection | None:
    reached = await unlocks.repo.unlocked_between(week.since, week.until)
    if not reached:
        return None
    lines = tuple(t("unlocks.digest_line", title=u.title, reward=u.reward, count=u.pledges) for u in reached)
    return DigestSection(
        Place.UNLOCKS,
        t("unlocks.digest_title"),
        lines,
        t("unlocks.digest_headline", count=len(reached)),
        len(reached),
    )
