"""The circles' repository: circles, their members and mutes, the relayed messages, and who missed which
(outside WhatsApp's window) until they come back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from handlers.circles._models import Circle, Membership, Message, NewMessage, Recipient
from handlers.circles._settings import CircleEntry
from handlers.key import Key


class Joined(StrEnum):
    JOINED = "joined"
    ALREADY = "already"
    FULL = "full"


class CirclesRepository(Protocol):
    async def sync(self, entries: Sequence[CircleEntry], now: datetime) -> None:
        """The community file's circles made or updated (size, channel); circles made by command stay."""
        ...

    async def create(self, name: str, size: int, channel: str | None, by: int | None, now: datetime) -> bool:
        """False when a circle has that name, or that channel is bridged to another one."""
        ...

    async def circle(self, name: str) -> Circle | None: ...
    async def circle_by_id(self, circle_id: int) -> Circle | None: ...
    async def circles(self) -> list[Circle]:
        """Every circle with its member count, by name."""
        ...

    async def join(self, circle_id: int, member_id: int, now: datetime) -> Joined:
        """Counted and added in the caller's transaction: two joins never both take the last place."""
        ...

    async def leave(self, circle_id: int, member_id: int) -> bool: ...
    async def choose(self, circle_id: int, member_id: int, now: datetime) -> bool:
        """Their plain messages go to this circle from now on; False when they are not in it."""
        ...

    async def memberships(self, member_id: int) -> list[Membership]:
        """The circles the member is in, the one chosen last first."""
        ...

    async def set_muted(
        self, circle_id: int, member_id: int, muted: bool, by: int | None, now: datetime
    ) -> bool:
        """False when it was so already."""
        ...

    async def is_muted(self, circle_id: int, member_id: int) -> bool: ...
    async def recipients(self, circle_id: int, sender_id: int | None) -> list[Recipient]:
        """The circle's full members but the sender, each with the identity they chat with the bot on
        (WhatsApp, else the console that plays it) and when they last wrote there."""
        ...

    async def recipient(self, circle_id: int, member_id: int) -> Recipient | None: ...
    async def add_message(self, message: NewMessage, now: datetime) -> Message | None:
        """None when the platform's id for it was seen already (a replayed webhook or gateway event)."""
        ...

    async def message(self, message_id: int) -> Message | None: ...
    async def message_by_ref(self, origin: str, ref: str) -> Message | None: ...
    async def edit(self, message_id: int, text: str, now: datetime) -> None: ...
    async def remove(self, message_id: int, now: datetime) -> bool:
        """Marked removed, and taken from what anyone still has to catch up on; False when it was already."""
        ...

    async def add_missed(self, circle_id: int, message_id: int, member_ids: Sequence[int]) -> None: ...
    async def mark_noticed(self, circle_id: int, member_ids: Sequence[int], now: datetime) -> None: ...
    async def missed_count(self, circle_id: int, member_id: int) -> int: ...
    async def take_missed(self, member_id: int, limit: int) -> list[tuple[Circle, list[Message], int]]:
        """What the member missed, per circle: at most `limit` messages, oldest first (no longer missed once
        taken), and how many more wait."""
        ...


CIRCLES: Key[CirclesRepository] = Key("circles")
