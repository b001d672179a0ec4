"""Value objects of the shop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ShopItem:
    id: int
    key: str
    name: str
    description: str
    cost: int
    stock: int | None
    redeemed: int
    per_member_limit: int | None
    fulfilment: str
    origin: str
    active: bool
    codes_left: int

    @property
    def available(self) -> int | None:
        """How many can still be redeemed; None means unlimited."""
        left = None if self.stock is None else self.stock - self.redeemed
        if self.fulfilment == "codes":
            left = self.codes_left if left is None else min(left, self.codes_left)
        return left


@dataclass(frozen=True)
class Redemption:
    id: int
    item_key: str
    item_name: str
    member_id: int
    member_handle: str
    cost: int
    state: str
    code: str | None
    created_at: datetime
