"""What consent keeps: an append-only log of opt-ins and opt-outs per identity."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers.key import Key
from handlers.models import Identity


@dataclass(frozen=True)
class ConsentRecord:
    opted_in: bool
    source: str
    wording: str | None
    at: datetime


class ConsentRepository(Protocol):
    """Append-only: the latest record of an identity is its consent."""

    async def record(
        self, identity: Identity, opted_in: bool, source: str, wording: str | None, now: datetime
    ) -> None: ...
    async def latest(self, identity: Identity) -> ConsentRecord | None: ...
    async def latest_of(self, identities: Sequence[Identity]) -> ConsentRecord | None:
        """The newest record among these identities (a member's, on all their platforms)."""
        ...


CONSENT_RECORDS: Key[ConsentRepository] = Key("consent")
