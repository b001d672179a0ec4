"""Value objects of the points feature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple


class Kind(StrEnum):
    ACTIVITY = "activity"
    KUDOS = "kudos"
    AWARD = "award"
    REACTION = "reaction"
    REVOKE = "revoke"
    REDEEM = "redeem"
    REFUND = "refund"
    REFERRAL = "referral"
    CHALLENGE = "challenge"
    POLL = "poll"
    ATTENDANCE = "attendance"
    INTRODUCTION = "introduction"


SPENDING = frozenset({Kind.REDEEM, Kind.REFUND})
"""Kinds that move the balance but not what a member has earned (levels and boards rank by earned)."""


class NewEntry(NamedTuple):
    """A ledger entry to append. `source` is unique: the same source never counts twice.

    A named tuple rather than a dataclass: chat builds one per message, and this is several times cheaper.
    """

    member_id: int
    delta: int
    kind: Kind
    reason: str
    source: str
    created_at: datetime
    month: str
    """`YYYY-MM` in the community's time zone (monthly leaderboards)."""
    actor_id: int | None = None
    reverses: int | None = None
    actor_identity: str | None = None
    """Who caused it, even when they are not a member (a moderator configured by identity)."""


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    member_id: int
    delta: int
    kind: Kind
    reason: str
    source: str
    created_at: datetime
    actor_id: int | None
    actor_handle: str | None
    actor_identity: str | None
    reverses: int | None
    revoked_by: int | None


@dataclass(frozen=True)
class Standing:
    member_id: int
    balance: int
    earned: int


@dataclass(frozen=True)
class BoardRow:
    rank: int
    member_id: int
    handle: str
    points: int


@dataclass(frozen=True)
class DayState:
    """What a member did today (community time zone) that limits what they may still earn or give."""

    activity_points: int = 0
    last_activity_at: datetime | None = None
    kudos_given: int = 0


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
