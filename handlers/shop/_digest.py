"""The shop's section of the newsletter: the rewards added in the week."""

from __future__ import annotations

from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator
from handlers.shop._shop import Shop


async def week(shop: Shop, week: Week, t: Translator) -> DigestSection | None:
    added = await shop.repo.added_between(week.since, week.until)
    if not added:
        return None
    lines = tuple(
        t("shop.digest_line", name=i.name, cost=shop.ledger.amount(t, i.cost), key=i.key) for i in added
    )
    return DigestSection(
        Place.SHOP, t("shop.digest_title"), lines, t("shop.digest_headline", count=len(added)), len(added)
    )
