"""The points feature's section of the newsletter: the week's top contributors and its kudos."""

from __future__ import annotations

from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator
from handlers.points._engine import PointsEngine

TOP = 3
MEDALS = ("🥇", "🥈", "🥉")


async def week(engine: PointsEngine, week: Week, t: Translator) -> DigestSection | None:
    top, kudos = await engine.repo.week(week.since, week.until, TOP)
    if not top and not kudos:
        return None
    lines = [
        t(
            "points.digest_line",
            medal=MEDALS[row.rank - 1],
            handle=row.handle,
            credits=engine.amount(t, row.points),
        )
        for row in top
    ]
    if kudos:
        lines.append(t("points.digest_kudos", count=kudos))
    headline = (
        t("points.digest_headline", handle=top[0].handle) if top else t("points.digest_kudos", count=kudos)
    )
    return DigestSection(
        Place.CONTRIBUTORS, t("points.digest_title"), tuple(lines), headline, len(top) + bool(kudos)
    )
