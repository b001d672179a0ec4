"""The onboarding feature's section of the newsletter: who joined, who was introduced by whom."""

from __future__ import annotations

from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator
from handlers.onboarding._state import Onboarding

NAMED = 10
"""Newcomers named at most (the rest are counted)."""


async def week(ob: Onboarding, week: Week, t: Translator) -> DigestSection | None:
    arrivals = await ob.repo.week(week.since, week.until, NAMED)
    if not arrivals.joined_count:
        return None
    names = [f"@{handle}" for handle in arrivals.joined]
    others = arrivals.joined_count - len(names)
    if others:
        names.append(t("onboarding.digest_others", count=others))
    lines = [t("onboarding.digest_welcome", names=t.all_of(names), count=arrivals.joined_count)]
    lines += [t("onboarding.digest_introduced", newcomer=n, introducer=i) for n, i in arrivals.introduced]
    if arrivals.presented:
        lines.append(t("onboarding.digest_presented", count=arrivals.presented))
    return DigestSection(
        Place.MEMBERS,
        t("onboarding.digest_title"),
        tuple(lines),
        t("onboarding.digest_headline", count=arrivals.joined_count),
        arrivals.joined_count,
    )
