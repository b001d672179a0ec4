"""The Ledger port: the one way any feature moves points, exactly once per source key.

The points feature provides it (`LEDGER`); referrals, introductions and the shop use it today, poll votes,
challenge approvals and session attendance next. A source key names what caused an entry
(`referral:<newcomer>`, `redeem:<redemption>`): the same source never counts twice, so a retried
command or a replayed event has no second effect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from handlers.context import Context
from handlers.events import ChatMessage
from handlers.i18n import Translator
from handlers.key import Key
from handlers.models import Reply


class Kind(StrEnum):
    """What an entry is for; stored with it."""

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
    FEEDBACK = "feedback"
    """An idea of the member's was planned or shipped."""


SPENDING = frozenset({Kind.REDEEM, Kind.REFUND})
"""Kinds that move the balance but not what a member has earned (levels and boards rank by earned)."""


@dataclass(frozen=True)
class Reversal:
    """An entry taken back by a correcting entry."""

    entry_id: int
    delta: int
    """What the reversed entry had moved."""
    correction_id: int


class Ledger(Protocol):
    def amount(self, t: Translator, points: int) -> str:
        """An amount of points as the reader says it: `5 credits`, `1 crédit`, `1.234 crediti` (or the
        community's own word for them)."""
        ...

    async def credit(
        self,
        ctx: Context,
        member_id: int,
        points: int,
        kind: Kind,
        reason: str,
        source: str,
        actor_id: int | None = None,
    ) -> int | None:
        """Add (or, with negative points, take) points in ctx's transaction: the entry's id, or None when
        `source` was already used. Level changes are announced once the transaction commits."""
        ...

    async def spend(
        self, ctx: Context, member_id: int, cost: int, kind: Kind, reason: str, source: str
    ) -> int | None:
        """Take `cost` only if the balance covers it (checked and debited at once): the entry's id, or
        None when it does not."""
        ...

    async def reverse(
        self, ctx: Context, entry_id: int, reason: str, actor_id: int | None = None
    ) -> Reversal | None:
        """Take an entry back with a correcting entry, once: None when it does not exist or already was."""
        ...

    async def balance(self, member_id: int) -> int: ...


LEDGER: Key[Ledger] = Key("ledger")

ChatPoints = Callable[[ChatMessage], Awaitable[list[Reply]]]
"""The points' chat path: a message someone wrote in the community's chat earns activity points (and gives
kudos) under the same rules wherever it was written; the private answers for its writer."""
CHAT_POINTS: Key[ChatPoints] = Key("chat_points")
"""Provided by the points feature: chat the bot relays (a circle's) counts like chat in a channel."""
