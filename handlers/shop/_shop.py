"""The shop's state: its repository, the Ledger it charges and the configured items."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.feature import Setup
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


def describe(item: ShopItem, currency: str) -> str:
    left = item.available
    parts = [
        f"{item.key} — {item.name} · {item.cost} {currency}",
        "unlimited" if left is None else ("sold out" if left <= 0 else f"{left} left"),
    ]
    if item.per_member_limit:
        parts.append(f"limit {item.per_member_limit} per member")
    line = " · ".join(parts)
    return f"{line}\n  {item.description}" if item.description else line
