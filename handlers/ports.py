"""What the core needs from the outside world, as Protocols the other layers implement.

The repositories here are the kernel's (members, choices, jobs, the inbox); each feature declares its own
beside it (`handlers/<feature>/_ports.py`). Platform capabilities that only some platforms have (roles,
invites) are ports too, handed to the features explicitly and None where no running platform has them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from handlers.delivery import Delivery
from handlers.events import DirectMessage
from handlers.models import Choice, Identity, Member, MemberStatus, Reply, RoleUpdate


class StorageUnavailable(Exception):
    """The database could not take a transaction just now (busy past its timeout, a disk error): nothing
    was written, and the same work may succeed when tried again."""


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class Messenger(Protocol):
    async def deliver(self, delivery: Delivery) -> None:
        """Send one message to a person (`delivery.to`) or a channel (`delivery.channel`); raises
        DeliveryFailed when it did not go (saying whether it may be tried again)."""
        ...


class RoleManager(Protocol):
    """Grants and removes platform roles (Discord's); platforms without roles have none."""

    async def update_role(self, update: RoleUpdate) -> None: ...


class PostEditor(Protocol):
    """Edits live posts (Discord's): platforms that cannot edit what they sent have none."""

    async def edit_post(self, board: str, reply: Reply) -> None:
        """Replace the text and choices of the post sent under `board` (Reply.board); nothing when this
        platform never sent it."""
        ...


class InviteMaker(Protocol):
    """Makes personal invite links (Discord's)."""

    async def create_invite(self, platform: str, reason: str) -> str | None:
        """A new invite code on `platform`; None when that platform is not running or refuses."""
        ...


class Transactions(Protocol):
    def transaction(self, first: bool = False) -> AbstractAsyncContextManager[None]:
        """All repository calls inside commit together or not at all. `first`: before the units already
        waiting (a platform is waiting to hear the message was stored)."""
        ...


class MemberRepository(Protocol):
    async def by_identity(self, identity: Identity) -> Member | None: ...
    async def by_handle(self, handle: str) -> Member | None: ...
    async def by_id(self, member_id: int) -> Member | None: ...
    async def identities(self, member_id: int) -> list[Identity]:
        """Most recently used first."""
        ...

    async def create(
        self, identity: Identity, display_name: str, handle: str, status: MemberStatus, now: datetime
    ) -> Member:
        """A new member with the first free handle among `handle`, `handle2`, `handle3`..."""
        ...

    async def set_status(self, member_id: int, status: MemberStatus, now: datetime) -> Member: ...
    async def set_language(self, member_id: int, language: str | None, now: datetime) -> Member:
        """The language the member chose (`fr`); None: their app's, else the community's."""
        ...

    async def set_timezone(self, member_id: int, zone: str | None, now: datetime) -> Member:
        """The member's IANA time zone; None: the community's."""
        ...

    async def touch(self, identity: Identity, now: datetime) -> None:
        """The identity was just used (its member's messages go to the most recently used one)."""
        ...

    async def attach(self, identity: Identity, member_id: int, now: datetime) -> None:
        """Give an identity that belongs to no member to `member_id`."""
        ...

    async def merge(self, source_id: int, target_id: int, now: datetime) -> None:
        """Move everything of member `source_id` to `target_id` (every feature's merge steps); the source
        is left, merged."""
        ...

    async def forget(self, member_id: int, now: datetime) -> list[str]:
        """Erase what identifies the member (every feature's forget steps), keeping every sum; returns the
        media keys of files they sent that nothing names any more, for `remove_media` after the commit."""
        ...

    def remove_media(self, keys: Sequence[str]) -> None:
        """Delete stored media files (the keys `forget` returned), once the forget has committed."""
        ...

    async def count_by_status(self) -> dict[MemberStatus, int]: ...
    async def directory(self) -> list[tuple[Identity, Member]]:
        """Every identity with its member (caches are warmed from it)."""
        ...

    async def on_platform(
        self, platform: str, after: int, limit: int
    ) -> tuple[list[tuple[Identity, Member]], bool]:
        """Up to `limit` identities on `platform` of full members whose id is above `after`, by member id,
        never splitting one member's identities across two pages (a fan-out pages through them), and
        whether there are more."""
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
    async def upcoming(self, limit: int) -> list[Job]:
        """Pending jobs in time order (SCHEDULE)."""
        ...

    async def next_run_at(self) -> datetime | None: ...
    async def finish(self, job_id: int, now: datetime, late: bool = False) -> None: ...
    async def miss(self, job_id: int, now: datetime) -> None:
        """Not run: it fell due too long ago for its kind (CatchUp.SKIP)."""
        ...

    async def fail(self, job_id: int, error: str, retry_at: datetime | None, now: datetime) -> None: ...
    async def cancel(self, key: str) -> None: ...
    async def cancel_series(self, series: str) -> None:
        """Every pending occurrence of a recurring series (handlers.timers.plan_recurring)."""
        ...


@dataclass(frozen=True)
class LeaseHolder:
    """The process that runs scheduled work (`host:pid:tag`), until when, and since when."""

    holder: str
    expires_at: datetime
    since: datetime


class SchedulerLease(Protocol):
    """One process runs scheduled work against a database: the one holding this lease, renewed."""

    async def acquire(self, holder: str, now: datetime, ttl: timedelta) -> LeaseHolder | None:
        """Take or renew the lease until `now + ttl`: None when `holder` has it, else who does."""
        ...

    async def release(self, holder: str) -> None: ...
    async def take_over(self, holder: str, dead: str, now: datetime, ttl: timedelta) -> bool:
        """Take the lease from `dead` (a holder known to have died) at once; False if it moved on."""
        ...


class InboxRepository(Protocol):
    """Platform event ids already handled: a replayed delivery has no second effect."""

    async def first_time(self, identity: Identity, event_id: str, now: datetime) -> bool: ...


@dataclass(frozen=True)
class Received:
    """A message stored on arrival, before it is handled; `seq` is its place in arrival order."""

    seq: int
    message: DirectMessage


class IntakeRepository(Protocol):
    """Messages a platform handed over and was told were received, until the core has handled them."""

    async def put(self, message: DirectMessage, now: datetime) -> int | None:
        """Store one (inside a unit of work); its seq, or None when its event id is already stored."""
        ...

    async def pending(self, after: int = 0) -> list[Received]:
        """Everything stored and not yet marked handled (past seq `after`), in arrival order."""
        ...

    async def count(self) -> int:
        """How many are stored and not yet handled, by any process (a standby's backlog bound)."""
        ...

    async def handled(self, seqs: Sequence[int]) -> None:
        """Forget these (inside a unit of work): their effects, or their refusals, are committed."""
        ...

    async def listen(self, wake: Callable[[], None]) -> None:
        """Call `wake` soon after another process stores a message (PostgreSQL's LISTEN); best effort,
        a poll covers what is missed. Called again from time to time: a lost listener is made again."""
        ...

    async def unlisten(self) -> None: ...
