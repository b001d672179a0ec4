"""What the shop refuses, with the values it reports."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict, NotFound, UsageError, shorten

SHOP_ADD_USAGE = "Usage: SHOP ADD <item> <cost> <stock|unlimited> <name>"


@dataclass(eq=False)
class NoSuchItem(NotFound):
    key: str

    def text(self) -> str:
        return f"There is no item “{shorten(self.key, 32)}” in the shop. SHOP lists what there is."


@dataclass(eq=False)
class ShopIsForMembers(Conflict):
    def text(self) -> str:
        return "Finish joining first: the shop is for members."


@dataclass(eq=False)
class LimitReached(Conflict):
    item: str
    limit: int

    def text(self) -> str:
        return f"You already have {self.item}: the limit is {self.limit} per member."


@dataclass(eq=False)
class NotEnoughPoints(Conflict):
    item: str
    cost: int
    currency: str
    balance: int | None = None
    """What the member has, when it was read before the debit refused."""

    def text(self) -> str:
        if self.balance is None:
            return f"{self.item} costs {self.cost} {self.currency}; you don't have enough."
        return f"{self.item} costs {self.cost} {self.currency}; you have {self.balance}."


@dataclass(eq=False)
class SoldOut(Conflict):
    item: str
    codes: bool = False
    """Sold out because its pool of codes is empty."""

    def text(self) -> str:
        return f"{self.item} is sold out (no codes left)." if self.codes else f"{self.item} is sold out."


@dataclass(eq=False)
class BadItemKey(UsageError):
    def text(self) -> str:
        return f"An item key is 1-32 letters, digits, - or _. {SHOP_ADD_USAGE}"


@dataclass(eq=False)
class BadStock(UsageError):
    def text(self) -> str:
        return f"Stock must be a number or unlimited. {SHOP_ADD_USAGE}"


@dataclass(eq=False)
class ConfiguredItem(Conflict):
    """Items from community.toml are changed there, not by command."""

    key: str
    removing: bool = False

    def text(self) -> str:
        return f"{self.key} comes from community.toml: {'remove' if self.removing else 'change'} it there."


@dataclass(eq=False)
class BadLimit(UsageError):
    def text(self) -> str:
        return "The limit is a number from 1 or none. Usage: SHOP LIMIT <item> <n|none>"


@dataclass(eq=False)
class TooManyCodes(UsageError):
    most: int

    def text(self) -> str:
        return f"At most {self.most} codes of up to 64 characters at once."


@dataclass(eq=False)
class NotARedemptionNumber(UsageError):
    def text(self) -> str:
        return "Usage: SHOP FULFIL <redemption number>, e.g. SHOP FULFIL 12"


@dataclass(eq=False)
class NoSuchRedemption(NotFound):
    number: int

    def text(self) -> str:
        return f"There is no redemption #{self.number}. SHOP PENDING lists open ones."


@dataclass(eq=False)
class RedemptionClosed(Conflict):
    number: int
    state: str

    def text(self) -> str:
        return f"Redemption #{self.number} is already {self.state}."
