"""Who did something today, counted in memory on the hot path and written in batches.

A channel message costs a dictionary update here, no write: the counts go to the database every few
seconds in one transaction (and before a roll-up reads them). A crash loses at most those seconds of
counts, which only the statistics read; points and everything acknowledged are written by their features.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.book import MemberChanges
from handlers.events import ChatMessage
from handlers.health._ports import Activity, HealthRepository
from handlers.models import Identity, MemberStatus, Reply
from handlers.ports import Clock, MemberRepository

log = logging.getLogger(__name__)

FLUSH_EVERY = 2.0
"""Seconds between writes of the counts."""


class _Day:
    __slots__ = ("actions", "first", "messages")

    def __init__(self) -> None:
        self.messages = 0
        self.actions = 0
        self.first: datetime | None = None


class ActivityCounter:
    def __init__(self, repo: HealthRepository, members: MemberRepository, clock: Clock, tz: ZoneInfo) -> None:
        self.repo = repo
        self.members = members
        self.clock = clock
        self.tz = tz
        self._ids: dict[Identity, int | None] = {}
        """Identity -> member id, None for someone who is not an accepted member."""
        self._identities_of: dict[int, set[Identity]] = {}
        self._counts: dict[tuple[int, date], _Day] = {}
        self._day: date | None = None
        self._day_ends = datetime.min.replace(tzinfo=ZoneInfo("UTC"))
        self._flusher: asyncio.Task[None] | None = None
        self._writing: asyncio.Lock = asyncio.Lock()

    # -- counting ------------------------------------------------------------------------------

    async def on_chat(self, message: ChatMessage) -> list[Reply]:
        identity = message.identity
        member_id = self._ids[identity] if identity in self._ids else await self._load(identity)
        if member_id is not None:
            now = self.clock.now()
            counts = self._counts_of(member_id, now)
            counts.messages += 1
            if counts.first is None:
                counts.first = now
        return []

    def acted(self, member_id: int, now: datetime) -> None:
        """A member ran a command or clicked a choice (after its transaction committed)."""
        self._counts_of(member_id, now).actions += 1

    def _counts_of(self, member_id: int, now: datetime) -> _Day:
        if now >= self._day_ends or self._day is None:
            local = now.astimezone(self.tz)
            self._day = local.date()
            midnight = datetime.combine(self._day + timedelta(days=1), datetime.min.time(), self.tz)
            self._day_ends = midnight.astimezone(ZoneInfo("UTC"))
        key = (member_id, self._day)
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = _Day()
            self._start_flusher()
        return counts

    async def _load(self, identity: Identity) -> int | None:
        member = await self.members.by_identity(identity)
        member_id = member.id if member is not None and member.status is MemberStatus.MEMBER else None
        self._ids[identity] = member_id
        if member_id is not None:
            self._identities_of.setdefault(member_id, set()).add(identity)
        return member_id

    def follow(self, changes: MemberChanges) -> None:
        """Members changed (joined, left, merged): look them up again; a merged member's counts move."""
        for identity in changes.identities:
            self._ids.pop(identity, None)
        for member_id in changes.members:
            for identity in self._identities_of.pop(member_id, ()):
                self._ids.pop(identity, None)
        for source, target in changes.merges:
            for identity in self._identities_of.pop(source, ()):
                self._ids.pop(identity, None)
            for key in [k for k in self._counts if k[0] == source]:
                moved = self._counts.pop(key)
                into = self._counts.setdefault((target, key[1]), _Day())
                into.messages += moved.messages
                into.actions += moved.actions
                if moved.first is not None and (into.first is None or moved.first < into.first):
                    into.first = moved.first

    # -- writing -------------------------------------------------------------------------------

    def _start_flusher(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon())

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_EVERY)
        try:
            await self.flush()
        except Exception:  # kept in memory: the next flush writes them
            log.exception("could not write activity counts; trying again")
            self._start_flusher()

    async def flush(self) -> None:
        """Write what was counted since the last flush (one transaction); on failure it stays counted."""
        async with self._writing:
            taken, self._counts = self._counts, {}
            if not taken:
                return
            batch = [
                Activity(member_id, day, c.messages, c.actions, c.first)
                for (member_id, day), c in taken.items()
            ]
            try:
                await self.repo.record(batch)
            except BaseException:
                for key, counts in taken.items():  # put back, adding what came in meanwhile
                    into = self._counts.setdefault(key, _Day())
                    into.messages += counts.messages
                    into.actions += counts.actions
                    if counts.first is not None and (into.first is None or counts.first < into.first):
                        into.first = counts.first
                raise
