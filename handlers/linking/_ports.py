"""What linking keeps: one-time codes and the wrong codes typed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.models import Identity


@dataclass(frozen=True)
class LinkCode:
    code: str
    member_id: int
    created_by: Identity
    expires_at: datetime
    used_at: datetime | None


class LinkRepository(Protocol):
    async def create(
        self, code: str, member_id: int, by: Identity, now: datetime, expires_at: datetime
    ) -> None:
        """Store a new code; the member's earlier unused codes stop working."""
        ...

    async def find(self, code: str) -> LinkCode | None: ...
    async def use(self, code: str, by: Identity, now: datetime) -> bool:
        """Mark the code used; False when it was already used (a race)."""
        ...

    async def record_failure(self, identity: Identity, now: datetime) -> None: ...
    async def failures_since(self, identity: Identity, since: datetime) -> int: ...


LINK_CODES: Key[LinkRepository] = Key("link_codes")
