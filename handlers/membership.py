"""Joining and leaving: the Membership port the members feature provides and the core calls on platform
join and leave events, and what every feature's join and leave hooks are told."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from handlers.context import Context
from handlers.key import Key
from handlers.models import Member, Reply


@dataclass(frozen=True)
class Joining:
    """How someone is joining: what the join hooks (referrals, consent, boards) are told."""

    code: str | None = None
    """A referral code typed with JOIN, or the invite the platform saw used."""
    typed: bool = False
    """The person typed JOIN (a platform join event carries no text: an invite is then only a hint)."""


class Membership(Protocol):
    async def join(self, ctx: Context, joining: Joining) -> Reply:
        """Create (or bring back) the asker as a member; joining twice changes nothing. The welcome."""
        ...

    async def leave(self, ctx: Context) -> None:
        """The platform says the asker left: keep their history, mark them left."""
        ...


class MemberEvents(Protocol):
    """Every installed feature's join and leave hooks, in install order."""

    async def joined(self, ctx: Context, member: Member, joining: Joining) -> list[Reply]:
        """What the hooks add to the welcome (text lines and choices), in order."""
        ...

    async def left(self, ctx: Context, member: Member) -> None: ...


MEMBERSHIP: Key[Membership] = Key("membership")
