"""The points engine: the one way points are written, and what points need kept in memory.

Chat is where a community is busiest (handlers/points/chat.py), so the engine keeps in memory what each
message needs to be judged: members, today's counters, points earned and the boards they rank on.
Limits (cooldown, daily cap, kudos budget) are reserved synchronously, before any await, so concurrent
messages and commands can never overspend them; a reservation is released when its entry turns out not
to be new (a replayed message) or the write fails.
"""

from __future__ import annotations

import asyncio
import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from handlers.context import Context
from handlers.errors import Conflict
from handlers.members import RESERVED_HANDLES
from handlers.models import Identity, IncomingMessage, Member, MemberStatus, Outgoing, RoleUpdate
from handlers.points import calendar
from handlers.points.boards import Boards
from handlers.points.levels import level_messages
from handlers.points.models import SPENDING, BoardRow, Kind, NewEntry
from handlers.points.rules import Tier

if TYPE_CHECKING:
    from handlers.core import Core

log = logging.getLogger(__name__)

PENDING_KUDOS = "You haven't accepted the rules yet, so your kudos don't count: send AGREE first."


@dataclass
class Counters:
    """Today's (community time zone) limits for one member."""

    activity_points: int = 0
    last_activity_at: datetime | None = None
    kudos_given: int = 0


class PointsEngine:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.services = core.services
        self.config = core.services.config
        self.repo = core.services.points
        self.tz = self.config.community.tz
        self._members: dict[Identity, Member | None] = {}
        self._by_handle: dict[str, Member] = {}
        self._handles: dict[int, str] = {}
        self._period = calendar.Period.empty()
        """The current local day and month; recomputed only when time leaves it (not per message)."""
        self.boards = Boards(self.repo)
        self._counters: dict[int, Counters] = {}
        self._day: date | None = None
        self._warm = False
        self._warming = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._thresholds = [tier.threshold for tier in self.config.levels.tiers]

    # -- caches ---------------------------------------------------------------------------------

    async def warm(self) -> None:
        """Load members, points earned and today's counters in a few queries."""
        async with self._warming:
            if self._warm:
                return
            now = self.services.clock.now()
            for identity, member in await self.services.members.directory():
                self._remember(identity, member)
            await self.boards.load(calendar.month_key(now, self.tz))
            self._day = calendar.local_day(now, self.tz)
            states = await self.repo.day_states(calendar.start_of_day(now, self.tz), None)
            self._counters = {
                m: Counters(s.activity_points, s.last_activity_at, s.kudos_given) for m, s in states.items()
            }
            self._warm = True

    def _remember(self, identity: Identity, member: Member | None) -> None:
        self._members[identity] = member
        if member is not None:
            self._by_handle[member.handle] = member
            self._handles[member.id] = member.handle

    def forget(self, identity: Identity, member: Member | None = None) -> None:
        """Drop cached knowledge of an identity (and its member) so the next use reloads it."""
        cached = self._members.pop(identity, None) or member
        if cached is not None:
            self._by_handle.pop(cached.handle, None)
            self._handles.pop(cached.id, None)
            for known, other in list(self._members.items()):
                if other is not None and other.id == cached.id:
                    del self._members[known]

    def merged(self, source_id: int, target_id: int) -> None:
        """LINK joined two members: the earned total and today's limits now belong to the target."""
        self.boards.merged(source_id, target_id)
        source = self._counters.pop(source_id, None)
        if source is not None:
            target = self._counters.setdefault(target_id, Counters())
            target.activity_points += source.activity_points
            target.kudos_given += source.kudos_given
            moments = [m for m in (target.last_activity_at, source.last_activity_at) if m is not None]
            target.last_activity_at = max(moments, default=None)
        self._handles.pop(source_id, None)

    async def member(self, identity: Identity) -> Member | None:
        if identity not in self._members:
            self._remember(identity, await self.services.members.by_identity(identity))
        return self._members[identity]

    def cached_member(self, identity: Identity) -> Member | Any | None:
        """The member if known (None: known not to be one), or UNKNOWN: then await `member`."""
        return self._members.get(identity, UNKNOWN)

    @property
    def is_warm(self) -> bool:
        return self._warm

    async def by_token(self, token: str, message: IncomingMessage) -> Member | None:
        if token in message.mentions:
            return await self.member(message.mentions[token])
        if token.startswith("<@"):
            return await self.member(Identity("discord", token.strip("<@!>")))
        handle = token[1:].lower()
        if handle not in self._by_handle:
            found = await self.services.members.by_handle(handle)
            if found is not None:
                self._by_handle[handle] = found
                self._handles[found.id] = found.handle
        return self._by_handle.get(handle)

    def period(self, now: datetime) -> calendar.Period:
        if not self._period.contains(now):
            self._period = calendar.Period.around(now, self.tz)
        return self._period

    def counters(self, member_id: int, now: datetime) -> Counters:
        today = self.period(now).day
        if today != self._day:  # local midnight passed: every budget and cap starts again
            self._day = today
            self._counters = {}
        counters = self._counters.get(member_id)
        if counters is None:
            counters = self._counters[member_id] = Counters()
        return counters

    def spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait for chat points still being written and their follow-up messages, so that what comes
        next reads (and is told) everything that happened before it."""
        await self.repo.settle()
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def handle_of(self, member_id: int) -> str:
        handle = self._handles.get(member_id)
        if handle is None:
            found = await self.services.members.by_id(member_id)
            handle = found.handle if found else str(member_id)
        return handle

    def kudos_problem(self, giver: Member, target: Member | None, token: str) -> str | None:
        if token.lstrip("@").lower() in RESERVED_HANDLES:
            return "Kudos are for members, not for bots or whole groups (but thank you!)."
        if target is None or target.status is MemberStatus.LEFT:
            return f"I don't know {token} here, so no kudos were given."
        if target.id == giver.id:
            return "You can't give kudos to yourself."
        if target.status is not MemberStatus.MEMBER:
            return f"{target.mention()} hasn't finished joining yet, so no kudos were given."
        return None

    def budget_spent(self, now: datetime, what: str) -> str:
        budget = self.config.points.kudos.daily_budget
        resets = calendar.until(now, self.period(now).end)  # the next local midnight
        return f"You have 0 of {budget} kudos left today (resets in {resets}), so {what}."

    # -- commands and jobs ----------------------------------------------------------------------

    def reserve_kudos(self, ctx: Context, giver: Member) -> None:
        """Take one kudos from today's budget for the current transaction (given back on rollback)."""
        counters = self.counters(giver.id, ctx.now)
        if counters.kudos_given >= self.config.points.kudos.daily_budget:
            raise Conflict(self.budget_spent(ctx.now, "none was given"))
        counters.kudos_given += 1
        ctx.on_rollback.append(_release_kudos(counters))

    async def credit(
        self,
        ctx: Context,
        member_id: int,
        delta: int,
        kind: Kind,
        reason: str,
        source: str,
        actor_id: int | None = None,
        reverses: int | None = None,
    ) -> int | None:
        """Append an entry in the caller's transaction; its id, or None if `source` was already used.

        Level changes are announced and roles updated once the transaction commits.
        """
        if not self._warm:
            await self.warm()
        entry_id = await self.repo.append(
            self.entry(ctx, member_id, delta, kind, reason, source, actor_id, reverses)
        )
        if entry_id is None:
            return None
        month = self.period(ctx.now).month
        crossings = self.crossings([(member_id, delta, kind, month)], commit=False)
        if crossings:
            ctx.outbox.extend(await self.level_messages_for(crossings))
        if kind not in SPENDING:
            ctx.after_commit.append(lambda: self.boards.add(member_id, delta, month))
        return entry_id

    def entry(
        self,
        ctx: Context,
        member_id: int,
        delta: int,
        kind: Kind,
        reason: str,
        source: str,
        actor_id: int | None = None,
        reverses: int | None = None,
    ) -> NewEntry:
        return NewEntry(
            member_id,
            delta,
            kind,
            reason,
            source,
            ctx.now,
            self.period(ctx.now).month,
            actor_id,
            reverses,
            str(ctx.actor) if ctx.actor else None,
        )

    def crossings(
        self, changes: list[tuple[int, int, Kind, str]], commit: bool
    ) -> list[tuple[int, Tier, Tier]]:
        """Members whose level the changes move, as (member, old level, new level); with `commit` the
        changes are applied to the earned totals (the entries are durable)."""
        levels = self.config.levels
        totals: dict[int, int] = {}
        for member_id, delta, kind, month in changes:
            if kind not in SPENDING:
                totals[member_id] = totals.get(member_id, 0) + delta
                if commit:
                    self.boards.add(member_id, delta, month)
        crossings = []
        thresholds = self._thresholds
        for member_id, delta in totals.items():
            after = self.boards.earned(member_id) + (0 if commit else delta)
            # The level is the last tier whose threshold is reached (the first one, 0, below that).
            old = max(bisect_right(thresholds, after - delta) - 1, 0)
            new = max(bisect_right(thresholds, after) - 1, 0)
            if old != new:
                crossings.append((member_id, levels.tiers[old], levels.tiers[new]))
        return crossings

    async def level_messages_for(
        self, crossings: list[tuple[int, Tier, Tier]]
    ) -> list[Outgoing | RoleUpdate]:
        return await level_messages(self.services.members, self.config.levels, crossings)

    async def rank(self, member_id: int, month: str | None = None) -> tuple[int, int] | None:
        """(rank, points) on the all-time board, or this month's when `month` is the current one."""
        if not self._warm:
            await self.warm()
        return await self.boards.rank(member_id, month)

    async def top(self, limit: int, month: str | None = None) -> list[BoardRow]:
        """The leaderboard, all-time or this month's, from the in-memory totals (no index to maintain)."""
        if not self._warm:
            await self.warm()
        leaders = await self.boards.top(limit, month)
        return [
            BoardRow(place, member_id, await self.handle_of(member_id), points)
            for place, (member_id, points) in enumerate(leaders, 1)
        ]

    def set_listed(self, member_id: int, listed: bool) -> None:
        self.boards.set_listed(member_id, listed)


def _release_kudos(counters: Counters) -> Callable[[], None]:
    def release() -> None:
        counters.kudos_given -= 1

    return release


UNKNOWN: Any = object()
