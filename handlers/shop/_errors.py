"""What the shop refuses, with the values it reports; the wording is in the `shop` catalogs."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, UsageError, shorten
from handlers.i18n import Translator


@dataclass(eq=False)
class NoSuchItem(NotFound):
    key: str

    def text(self, t: Translator) -> str:
        return t("shop.no_such_item", key=shorten(self.key, 32))


@dataclass(eq=False)
class ShopIsForMembers(Conflict):
    def text(self, t: Translator) -> str:
        return t("shop.for_members")


@dataclass(eq=False)
class LimitReached(Conflict):
    item: str
    limit: int

    def text(self, t: Translator) -> str:
        return t("shop.limit_reached", count=self.limit, item=self.item)


@dataclass(eq=False)
class NotEnoughPoints(Conflict):
    item: str
    cost: str
    """The price as the member reads it (`5 credits`: the Ledger's `amount`)."""
    balance: int | None = None
    """What the member has, when it was read before the debit refused."""

    def text(self, t: Translator) -> str:
        if self.balance is None:
            return t("shop.not_enough", item=self.item, cost=self.cost)
        return t("shop.not_enough_balance", count=self.balance, item=self.item, cost=self.cost)


@dataclass(eq=False)
class SoldOut(Conflict):
    item: str
    codes: bool = False
    """Sold out because its pool of codes is empty."""

    def text(self, t: Translator) -> str:
        if self.codes:
            return t("shop.sold_out_codes", item=self.item)
        return t("shop.sold_out", item=self.item)


@dataclass(eq=False)
class BadItemKey(UsageError):
    def text(self, t: Translator) -> str:
        return t("shop.bad_item_key", usage=t("shop.add_usage"))


@dataclass(eq=False)
class BadStock(UsageError):
    def text(self, t: Translator) -> str:
        return t("shop.bad_stock", usage=t("shop.add_usage"))


@dataclass(eq=False)
class ConfiguredItem(Conflict):
    """Items from community.toml are changed there, not by command."""

    key: str
    removing: bool = False

    def text(self, t: Translator) -> str:
        if self.removing:
            return t("shop.configured_item_remove", key=self.key)
        return t("shop.configured_item_change", key=self.key)


@dataclass(eq=False)
class BadLimit(UsageError):
    def text(self, t: Translator) -> str:
        return t("shop.bad_limit")


@dataclass(eq=False)
class TooManyCodes(UsageError):
    most: int

    def text(self, t: Translator) -> str:
        return t("shop.too_many_codes", count=self.most)


@dataclass(eq=False)
class NotARedemptionNumber(UsageError):
    def text(self, t: Translator) -> str:
        return t("shop.not_a_redemption_number")


@dataclass(eq=False)
class NoSuchRedemption(NotFound):
    number: int

    def text(self, t: Translator) -> str:
        return t("shop.no_such_redemption", number=str(self.number))


@dataclass(eq=False)
class RedemptionClosed(Conflict):
    number: int
    state: str
    """`fulfilled` by a moderator, or `delivered` (a code, at once)."""

    def text(self, t: Translator) -> str:
        if self.state == "fulfilled":
            return t("shop.redemption_fulfilled_already", number=str(self.number))
        if self.state == "delivered":
            return t("shop.redemption_delivered_already", number=str(self.number))
        return t("shop.redemption_closed", number=str(self.number))
