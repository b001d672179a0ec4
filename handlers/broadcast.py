"""A broadcast: one message, in each language, to every member who may receive it proactively on a platform;
each member reached at most once, and a send interrupted by a crash resumed where it stopped.

A feature opens a broadcast once under a key of its own (`newsletter:12`) with its text in each language. It
goes out a page of members at a time (by member id, `MemberRepository.on_platform`: full members only, so
pending and departed members are on no page): the first page in the unit of work that opens it, each next
page as a persisted job keyed by its cursor (the last member id of the page before). For every member of a
page a delivery row (broadcast, member: the primary key) is written in the same transaction as the member's
outbox row: a crash in the middle of a page rolls back both and the page's job runs again, while a member a
committed page reached can never be written twice (the database refuses it). The outbox hands the rows to the
platform's sender, which paces them at its configured rate; STOP and the opt-in are the delivery policy's
(handlers.dispatch), decided once for every proactive message.

A feature using it declares one job kind for its pages, run by `Broadcaster.run_page`:
`JobKind(PAGE_JOB, pages)` with `async def pages(ctx, state, payload): await state.broadcaster.run_page(ctx,
payload)`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from handlers.context import Context
from handlers.deadlines import rezone
from handlers.delivery import MessageKind, Outgoing
from handlers.key import Key
from handlers.models import Identity, Member, Reply
from handlers.ports import JobRepository

log = logging.getLogger(__name__)

PAGE = 500
"""Members per page: one page's transaction stays short in a community of 100,000."""


@dataclass(frozen=True)
class Broadcast:
    id: int
    key: str
    platform: str
    kind: MessageKind
    messages: Mapping[str, Reply]
    """The message in each language it was written in (a member gets theirs, else the community's)."""
    created_at: datetime
    finished_at: datetime | None = None
    """When its last page was handed to the outbox."""


class BroadcastRepository(Protocol):
    async def open(
        self, key: str, platform: str, kind: MessageKind, messages: Mapping[str, Reply], now: datetime
    ) -> tuple[Broadcast, bool]:
        """The broadcast under `key`: made now with these messages (True), or as it was first opened."""
        ...

    async def broadcast(self, broadcast_id: int) -> Broadcast | None: ...
    async def by_key(self, key: str) -> Broadcast | None: ...
    async def record(self, broadcast_id: int, member_ids: Sequence[int], now: datetime) -> set[int]:
        """A delivery row for each of these members who has none yet, in the caller's transaction; the ids
        that got one now (the others were reached before)."""
        ...

    async def reached(self, broadcast_id: int) -> int:
        """How many members it was handed to."""
        ...

    async def finish(self, broadcast_id: int, now: datetime) -> None: ...


BROADCASTS: Key[BroadcastRepository] = Key("broadcasts")
"""Built by the kernel's storage; a feature that broadcasts declares it among its repositories."""


class Broadcaster:
    """Broadcasts for one feature, whose job kind `job` runs the pages after the first."""

    def __init__(
        self, repo: BroadcastRepository, jobs: JobRepository, job: str, language: str, page: int | None = None
    ) -> None:
        self.repo = repo
        self.jobs = jobs
        self.job = job
        self.language = language
        """The community's: for a member whose language the broadcast was not written in."""
        self.page = PAGE if page is None else page

    async def start(
        self, ctx: Context, key: str, platform: str, kind: MessageKind, messages: Mapping[str, Reply]
    ) -> Broadcast:
        """Open the broadcast under `key` and send its first page in this unit of work; the next pages
        follow as jobs. Started again under the same key (a replayed command), it sends nothing more."""
        if self.language not in messages:
            raise ValueError(f"a broadcast needs its message in the community's language ({self.language})")
        broadcast, new = await self.repo.open(key, platform, kind, messages, ctx.now)
        if new:
            await self._page(ctx, broadcast, 0)
        return broadcast

    async def run_page(self, ctx: Context, payload: dict[str, Any]) -> None:
        """The job of one page (its cursor in the payload): run again after a crash, it reaches only the
        members the interrupted run did not commit."""
        broadcast = await self.repo.broadcast(int(payload["broadcast"]))
        if broadcast is None or broadcast.finished_at is not None:
            return
        await self._page(ctx, broadcast, int(payload["after"]))

    async def reached(self, key: str) -> int | None:
        """How many members the broadcast under `key` was handed to; None when there is none."""
        broadcast = await self.repo.by_key(key)
        return None if broadcast is None else await self.repo.reached(broadcast.id)

    async def _page(self, ctx: Context, broadcast: Broadcast, after: int) -> None:
        members, more = await ctx.services.members.on_platform(broadcast.platform, after, self.page)
        first: dict[int, tuple[Identity, Member]] = {}
        for identity, member in members:
            first.setdefault(member.id, (identity, member))  # one message per member, to one number
        fresh = await self.repo.record(broadcast.id, list(first), ctx.now)
        made: dict[tuple[str, str], Reply] = {}
        written_in = ctx.config.community.tz
        for member_id, (identity, member) in first.items():
            if member_id not in fresh:
                continue
            language = ctx.t_for(member).language
            if language not in broadcast.messages:
                language = self.language
            zone = ctx.zone_for(member)
            reply = made.get((language, zone.key))
            if reply is None:
                # Written once in the community's zone; each member reads its times in their own.
                message, t = broadcast.messages[language], ctx.texts.translator(language)
                teaser = None if message.teaser is None else rezone(message.teaser, t, written_in, zone)
                text = rezone(message.text, t, written_in, zone)
                reply = made[language, zone.key] = replace(
                    message, text=text, teaser=teaser, language=language
                )
            ctx.outbox.append(Outgoing(reply, to=identity, kind=broadcast.kind))
        if more and members:
            cursor = members[-1][1].id
            payload = {"broadcast": broadcast.id, "after": cursor}
            await self.jobs.schedule(self.job, ctx.now, payload, f"broadcast:{broadcast.id}:after:{cursor}")
        else:
            await self.repo.finish(broadcast.id, ctx.now)
            log.info("broadcast %s handed to the outbox", broadcast.key)
