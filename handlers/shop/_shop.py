"""The shop's state: its repository, the Ledger it charges and the configured items."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.feature import Setup
from handlers.i18n import Translator
from handlers.ledger import LEDGER, Ledger
from handlers.ports import Clock, Transactions
from handlers.shop._errors import NoSuchItem
from handlers.shop._models import ShopItem
from handlers.shop._ports import SHOP, ShopRepository
from handlers.shop._settings import ShopConfig


@dataclass(frozen=True)
class Shop:
    repo: ShopRepository
    ledger: Ledger
    settings: ShopConfig
    transactions: Transactions
    clock: Clock

    async def item(self, key: str) -> ShopItem:
        found = await self.repo.item(key)
        if found is None or not found.active:
            raise NoSuchItem(key)
        return found


def build(setup: Setup) -> Shop:
    services = setup.services
    return Shop(
        setup.repository(SHOP),
        setup.need(LEDGER),
        setup.section(ShopConfig),
        services.transactions,
        services.clock,
    )


async def sync_configured(shop: Shop) -> None:
    """At start: the items of the community file, as it says now (new, changed, removed)."""
    async with shop.transactions.transaction():
        await shop.repo.sync_configured(shop.settings.items, shop.clock.now())


UNLIMITED = frozenset({"unlimited", "illimité", "illimite", "illimitato"})
"""What SHOP ADD takes for a stock without end, in each language (the usage lines say it)."""
NO_LIMIT = frozenset({"none", "aucune", "aucun", "nessuno"})
"""What SHOP LIMIT takes for no limit per member, in each language."""


def describe(t: Translator, item: ShopItem, ledger: Ledger) -> str:
    """`mug — Community mug · 10 credits · 1 left · limit 1 per member`, and the description below."""
    left = item.available
    parts = [
        t("shop.item", key=item.key, name=item.name, cost=ledger.amount(t, item.cost)),
        t("shop.unlimited")
        if left is None
        else (t("shop.sold_out_tag") if left <= 0 else t("shop.left", count=left)),
    ]
    if item.per_member_limit:
        parts.append(t("shop.limit_per_member", count=item.per_member_limit))
    line = " · ".join(parts)
    return f"{line}\n  {item.description}" if item.description else line
