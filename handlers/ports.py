"""What the core needs from the outside world, as Protocols the other layers implement."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from handlers.models import Choice, Identity, Member, MemberStatus, Outgoing, RoleUpdate


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class Messenger(Protocol):
    async def deliver(self, message: Outgoing) -> None:
        """Send one message to a person (`message.to`) or a channel (`message.channel`)."""
        ...


class RoleManager(Protocol):
    """Implemented by adapters whose platform has roles (Discord)."""

    async def update_role(self, update: RoleUpdate) -> None: ...


class Transactions(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[None]:
        """All repository calls inside commit together or not at all."""
        ...


class MemberRepository(Protocol):
    async def by_identity(self, identity: Identity) -> Member | None: ...
    async def by_handle(self, handle: str) -> Member | None: ...
    async def by_id(self, member_id: int) -> Member | None: ...
    async def identities(self, member_id: int) -> list[Identity]: ...
    async def create(
        self, identity: Identity, display_name: str, status: MemberStatus, now: datetime
    ) -> Member: ...
    async def set_status(self, member_id: int, status: MemberStatus, now: datetime) -> Member: ...
    async def count_by_status(self) -> dict[MemberStatus, int]: ...
    async def directory(self) -> list[tuple[Identity, Member]]:
        """Every identity with its member (caches are warmed from it)."""
        ...


class ChoiceRepository(Protocol):
    """The choices last offered to each identity, so that `1` or `yes` can answer them."""

    async def offer(self, identity: Identity, choices: Sequence[Choice], now: datetime) -> None: ...
    async def pending(self, identity: Identity, since: datetime) -> list[Choice]: ...
    async def clear(self, identity: Identity) -> None: ...


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    run_at: datetime
    payload: dict[str, Any]
    attempts: int = 0


class JobRepository(Protocol):
    """The one timer table: scheduled work that survives restarts."""

    async def schedule(
        self, kind: str, run_at: datetime, payload: dict[str, Any], key: str | None = None
    ) -> bool:
        """Add a job; with a `key`, a second job with the same key is ignored (returns False)."""
        ...

    async def due(self, now: datetime, limit: int) -> list[Job]: ...
    async def next_run_at(self) -> datetime | None: ...
    async def finish(self, job_id: int, now: datetime) -> None: ...
    async def fail(self, job_id: int, error: str, retry_at: datetime | None, now: datetime) -> None: ...
    async def cancel(self, key: str) -> None: ...


class InboxRepository(Protocol):
    """Platform message ids already handled: a replayed delivery has no second effect."""

    async def first_time(self, identity: Identity, message_id: str, now: datetime) -> bool: ...


@dataclass(frozen=True)
class ConsentRecord:
    opted_in: bool
    source: str
    wording: str | None
    at: datetime


class ConsentRepository(Protocol):
    """Consent to proactive messages, per identity; append-only, the latest record counts."""

    async def record(
        self, identity: Identity, opted_in: bool, source: str, wording: str | None, now: datetime
    ) -> None: ...
    async def latest(self, identity: Identity) -> ConsentRecord | None: ...


@dataclass(frozen=True)
class LinkCode:
    code: str
    member_id: int
    created_by: Identity
    expires_at: datetime
    used_at: datetime | None


class LinkRepository(Protocol):
    """One-time codes that join two identities into one member."""

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
    async def attach(self, identity: Identity, member_id: int, now: datetime) -> None:
        """Give an identity that belongs to no member to `member_id`."""
        ...

    async def merge(self, source_id: int, target_id: int, now: datetime) -> None:
        """Move everything of member `source_id` to `target_id`; the source is left, merged."""
        ...
