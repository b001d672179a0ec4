"""Who did something today, counted in memory on the hot path and written in batches.

A channel message costs a dictionary update here, no write: the counts go to the database every few
seconds in one transaction (and before a roll-up reads them). A crash loses at most those seconds of
counts, which only the statistics read; points and everything acknowledged are written by their features.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.book import MemberChanges
from handlers.events import ChatMessage
from handlers.health._ports import Activity, HealthRepository
from handlers.models import Identity, Member, MemberStatus, Reply
from handlers.ports import Clock, MemberRepository

log = logging.getLogger(__name__)

FLUSH_EVERY = 10.0
"""Seconds between writes of the counts (each member's day is one row, rewritten at most this often)."""
FLUSH_TASK = "activity-flush"
"""The task that waits FLUSH_EVERY, then writes the counts (tests tell it from the work of an answer)."""
CHUNK = 2000
"""Rows per transaction: a flush of a busy community's counts never holds the event loop for long."""


_UNSEEN = -1
"""Not a member id: an identity not looked up yet."""


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
        self._day_ends = datetime.min.replace(tzinfo=UTC)
        self._flusher: asyncio.Task[None] | None = None
        self._writing: asyncio.Lock = asyncio.Lock()
        self._warm = False
        self._written: dict[tuple[int, date], bool] = {}
        """Member-days written today, and whether with a message (their activity row is then final)."""
        self._warming = asyncio.Lock()

    # -- counting ------------------------------------------------------------------------------

    async def on_chat(self, message: ChatMessage) -> list[Reply]:
        identity = message.identity
        member_id = self._ids.get(identity, _UNSEEN)
        if member_id is _UNSEEN:
            if not self._warm:
                await self._warm_up()
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
            self._written = {k: v for k, v in self._written.items() if k[1] >= self._day}
            midnight = datetime.combine(self._day + timedelta(days=1), datetime.min.time(), self.tz)
            # In the clock's own UTC object: comparing aware times with one tzinfo skips utcoffset().
            self._day_ends = midnight.astimezone(UTC)
        key = (member_id, self._day)
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = _Day()
            self._start_flusher()
        return counts

    async def _warm_up(self) -> None:
        """Every member's identities in one read, at the first message: a burst of chat from members the
        bot has not heard since its start then costs no read each."""
        async with self._warming:
            if self._warm:
                return
            for identity, member in await self.members.directory():
                if identity not in self._ids:  # a change followed meanwhile stays
                    self._remember(identity, member)
            self._warm = True

    def _remember(self, identity: Identity, member: Member | None) -> int | None:
        member_id = member.id if member is not None and member.status is MemberStatus.MEMBER else None
        self._ids[identity] = member_id
        if member_id is not None:
            self._identities_of.setdefault(member_id, set()).add(identity)
        return member_id

    async def _load(self, identity: Identity) -> int | None:
        return self._remember(identity, await self.members.by_identity(identity))

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
            self._flusher = asyncio.get_running_loop().create_task(self._flush_soon(), name=FLUSH_TASK)

    async def _flush_soon(self) -> None:
        await asyncio.sleep(FLUSH_EVERY)
        try:
            await self.flush()
        except Exception:  # kept in memory: the next flush writes them
            log.exception("could not write activity counts; trying again")
            self._start_flusher()

    async def flush(self) -> None:
        """Write what was counted since the last flush, a chunk a transaction; what a failure left
        unwritten stays counted."""
        async with self._writing:
            taken, self._counts = self._counts, {}
            items = list(taken.items())
            for start in range(0, len(items), CHUNK):
                chunk = items[start : start + CHUNK]
                batch = [
                    Activity(key[0], key[1], c.messages, c.actions, c.first, self._new(key, c))
                    for key, c in chunk
                ]
                try:
                    await self.repo.record(batch)
                except BaseException:
                    self._put_back(items[start:])
                    raise
                for key, c in chunk:
                    self._written[key] = self._written.get(key, False) or c.first is not None

    def _new(self, key: tuple[int, date], counts: _Day) -> bool:
        """Whether the member's activity row may change: their day's first write, or first message."""
        messaged = self._written.get(key)
        return messaged is None or (counts.first is not None and not messaged)

    def _put_back(self, items: list[tuple[tuple[int, date], _Day]]) -> None:
        for key, counts in items:  # adding what came in meanwhile
            into = self._counts.setdefault(key, _Day())
            into.messages += counts.messages
            into.actions += counts.actions
            if counts.first is not None and (into.first is None or counts.first < into.first):
                into.first = counts.first
