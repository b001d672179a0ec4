"""The challenges feature's section of the newsletter: the week's winners and the challenges still open."""

from __future__ import annotations

from handlers.challenges._state import Challenges
from handlers.deadlines import when
from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator


async def week(challenges: Challenges, week: Week, t: Translator) -> DigestSection | None:
    ended = await challenges.repo.ended_between(week.since, week.until)
    still = await challenges.repo.open_at(week.until)
    if not ended and not still:
        return None
    lines = []
    winners = 0
    for challenge in ended:
        named = [f"@{handle}" for _, handle in await challenges.repo.winners(challenge.id)]
        winners += len(named)
        if named:
            lines.append(
                t("challenges.digest_winners", title=challenge.title, names=t.all_of(named), count=len(named))
            )
        else:
            lines.append(t("challenges.digest_no_winner", title=challenge.title))
    for challenge in still:
        lines.append(
            t(
                "challenges.digest_open",
                title=challenge.title,
                deadline=when(t, challenge.ends_at, week.tz),
                number=str(challenge.id),
            )
        )
    headline = (
        t("challenges.digest_headline_winners", count=winners)
        if winners
        else t("challenges.digest_headline_open", count=len(still))
    )
    return DigestSection(
        Place.CHALLENGES, t("challenges.digest_title"), tuple(lines), headline, len(ended) + len(still)
    )
