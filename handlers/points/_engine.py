"""The points engine: the Ledger every feature credits through, and what points keep in memory.

Chat is where a community is busiest (`_chat.py`), so the engine keeps in memory what each message needs
to be judged: members, today's counters, points earned and the boards they rank on. Limits (cooldown,
daily cap, kudos budget) are reserved synchronously, before any await, so concurrent messages and
commands can never overspend them; a reservation is given back when its entry turns out not to be new
(a replayed message) or the write fails.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from bisect import bisect_right
from collections.abc import Coroutine
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.book import MemberChanges
from handlers.context import Context
from handlers.dispatch import Dispatcher
from handlers.errors import DomainError
from handlers.events import ChatMessage
from handlers.feature import Send
from handlers.handles import is_reserved
from handlers.i18n import Catalogs, Translator
from handlers.ledger import SPENDING, Kind, Reversal
from handlers.models import Identity, Member, MemberStatus
from handlers.points import _calendar as calendar
from handlers.points._boards import Boards
from handlers.points._chat import ChatPoints
from handlers.points._counters import UNKNOWN, Counters
from handlers.points._errors import (
    KudosBudgetSpent,
    KudosForAGroup,
    KudosToAPending,
    KudosToSelf,
    KudosToStranger,
)
from handlers.points._format import amount
from handlers.points._levels import Crossing, announcements, role_updates
from handlers.points._models import BoardRow, NewEntry
from handlers.points._ports import PointsRepository
from handlers.points._settings import LevelsConfig, PointsRules
from handlers.ports import Clock, MemberRepository

log = logging.getLogger(__name__)


class PointsEngine:
    def __init__(
        self,
        repo: PointsRepository,
        members: MemberRepository,
        clock: Clock,
        rules: PointsRules,
        levels: LevelsConfig,
        tz: ZoneInfo,
        dispatcher: Dispatcher,
        send: Send,
        texts: Catalogs,
        language: str,
    ) -> None:
        self.repo = repo
        self.members = members
        self.clock = clock
        self.rules = rules
        self.levels = levels
        self.tz = tz
        self.dispatcher = dispatcher
        self.send = send
        self.texts = texts
        """For what is written outside any Context: chat replies and the messages that follow them."""
        self.language = language
        """The community's language (channel posts, and members who chose none)."""
        self._members: dict[Identity, Member | None] = {}
        self._identities_of: dict[int, set[Identity]] = {}
        self._by_handle: dict[str, Member] = {}
        self._handles: dict[int, str] = {}
        self._period = calendar.Period.empty()
        """The current local day and month; recomputed only when time leaves it (not per message)."""
        self.boards = Boards(repo)
        self._counters: dict[int, Counters] = {}
        self._day: date | None = None
        self._warm = False
        self._warming = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self._thresholds = [tier.threshold for tier in levels.tiers]
        self._pending: dict[int, int] = {}
        """Points earned in chat entries submitted but not yet settled, per member: levels are judged on
        what is durable plus what is on its way."""
        self.chat = ChatPoints(self)

    # -- the Ledger port ------------------------------------------------------------------------

    def amount(self, t: Translator, points: int) -> str:
        """`5 credits`, `1 crédit`, `1.234 crediti`: points as `t`'s reader reads them."""
        return amount(t, points, self.rules.currency)

    # -- in whose language (outside a Context) ------------------------------------------------------

    def t_for(self, member: Member | None) -> Translator:
        """Texts for a member: the language they chose, else the community's."""
        chosen = member.language if member is not None else None
        return self.texts.translator(chosen or self.language)

    @property
    def t_community(self) -> Translator:
        return self.texts.translator(self.language)

    async def credit(
        self,
        ctx: Context,
        member_id: int,
        points: int,
        kind: Kind,
        reason: str,
        source: str,
        actor_id: int | None = None,
    ) -> int | None:
        return await self._append(ctx, self.entry(ctx, member_id, points, kind, reason, source, actor_id))

    async def spend(
        self, ctx: Context, member_id: int, cost: int, kind: Kind, reason: str, source: str
    ) -> int | None:
        return await self.repo.spend(self.entry(ctx, member_id, -cost, kind, reason, source, member_id))

    async def reverse(
        self, ctx: Context, entry_id: int, reason: str, actor_id: int | None = None
    ) -> Reversal | None:
        original = await self.repo.entry(entry_id)
        if original is None or original.revoked_by is not None:
            return None
        correction = await self._append(
            ctx,
            self.entry(
                ctx, original.member_id, -original.delta, Kind.REVOKE, reason, f"revoke:{original.id}",
                actor_id, reverses=original.id,
            ),
        )  # fmt: skip
        return None if correction is None else Reversal(original.id, original.delta, correction)

    async def balance(self, member_id: int) -> int:
        return (await self.repo.standing(member_id)).balance

    async def _append(self, ctx: Context, entry: NewEntry) -> int | None:
        """Append an entry in ctx's transaction; level changes are announced and roles updated once it
        commits, and the boards follow then too."""
        if not self._warm:
            await self.warm()
        entry_id = await self.repo.append(entry)
        if entry_id is None:
            return None
        if entry.kind not in SPENDING:
            crossing = self.crossing(entry.member_id, entry.delta)
            if crossing is not None:
                crossings = [crossing]
                member = await ctx.members.by_id(entry.member_id)
                if member is not None:
                    who = {member.id: member}
                    ctx.outbox.extend(announcements(self.levels, crossings, who, ctx.t_for, ctx.t_community))
                ctx.role_updates.extend(
                    await role_updates(self.members, self.levels, crossings, ctx.t_community)
                )
            ctx.on_commit(self.boards.add, entry.member_id, entry.delta, entry.month)
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
            member_id, delta, kind, reason, source, ctx.now, self.period(ctx.now).month, actor_id, reverses,
            str(ctx.actor) if ctx.actor else None,
        )  # fmt: skip

    # -- caches ---------------------------------------------------------------------------------

    async def warm(self) -> None:
        """Load members, points earned and today's counters in a few queries."""
        async with self._warming:
            if self._warm:
                return
            now = self.clock.now()
            for identity, member in await self.members.directory():
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
            self._identities_of.setdefault(member.id, set()).add(identity)
            self._by_handle[member.handle] = member
            self._handles[member.id] = member.handle

    def follow(self, changes: MemberChanges) -> None:
        """A commit changed members: drop what is cached of them (the next use reloads it) and move a
        merged member's earned total and today's limits onto the member that carries on."""
        for identity in changes.identities:
            self._members.pop(identity, None)
        for member_id in changes.members:
            for identity in self._identities_of.pop(member_id, ()):
                self._members.pop(identity, None)
            handle = self._handles.pop(member_id, None)
            if handle is not None:
                self._by_handle.pop(handle, None)
        for source_id, target_id in changes.merges:
            self._merged(source_id, target_id)

    def _merged(self, source_id: int, target_id: int) -> None:
        self.boards.merged(source_id, target_id)
        source = self._counters.pop(source_id, None)
        if source is not None:
            target = self._counters.setdefault(target_id, Counters())
            target.activity_points += source.activity_points
            target.kudos_given += source.kudos_given
            moments = [m for m in (target.last_activity_at, source.last_activity_at) if m is not None]
            target.last_activity_at = max(moments, default=None)

    async def member(self, identity: Identity) -> Member | None:
        if identity not in self._members:
            self._remember(identity, await self.members.by_identity(identity))
        return self._members[identity]

    def cached_member(self, identity: Identity) -> Member | Any | None:
        """The member if known (None: known not to be one), or UNKNOWN: then await `member`."""
        return self._members.get(identity, UNKNOWN)

    @property
    def is_warm(self) -> bool:
        return self._warm

    async def by_token(self, token: str, message: ChatMessage) -> Member | None:
        """The member an `@name` in chat means: the person the platform resolved it to, else the handle."""
        if token in message.mentions:
            return await self.member(message.mentions[token])
        handle = token[1:].lower()
        if handle not in self._by_handle:
            found = await self.members.by_handle(handle)
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

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work, context=contextvars.Context())  # not in a unit
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settle(self) -> None:
        """Wait for chat points still being written and their follow-up messages, so that what comes
        next reads (and is told) everything that happened before it."""
        await self.repo.settle()
        # Only the work there is now: under a chat flood new follow-ups keep coming, and waiting for those
        # too kept a scheduled job (a reminder) waiting as long as the flood lasted.
        before = list(self._tasks)
        if before:
            await asyncio.wait(before)

    async def handle_of(self, member_id: int) -> str:
        handle = self._handles.get(member_id)
        if handle is None:
            found = await self.members.by_id(member_id)
            handle = found.handle if found else str(member_id)
        return handle

    # -- kudos ----------------------------------------------------------------------------------

    def kudos_problem(self, giver: Member, target: Member | None, token: str) -> DomainError | None:
        if is_reserved(token):
            return KudosForAGroup()
        if target is None or target.status is MemberStatus.LEFT:
            return KudosToStranger(token)
        if target.id == giver.id:
            return KudosToSelf()
        if target.status is not MemberStatus.MEMBER:
            return KudosToAPending(target.handle)
        return None

    def budget_spent(self, now: datetime, missed: str | None = None) -> KudosBudgetSpent:
        """Nothing left to give today; `missed` is who got none because of it (chat)."""
        return KudosBudgetSpent(self.rules.kudos.daily_budget, now, self.period(now).end, missed)

    def reserve_kudos(self, ctx: Context, giver: Member) -> Counters:
        """Take one kudos from today's budget for ctx's transaction (given back on rollback)."""
        counters = self.counters(giver.id, ctx.now)
        if counters.kudos_given >= self.rules.kudos.daily_budget:
            raise self.budget_spent(ctx.now)
        counters.kudos_given += 1
        ctx.on_rollback(counters.give_back_kudos)
        return counters

    # -- levels and boards ----------------------------------------------------------------------

    def _level(self, earned: int) -> int:
        # The level is the last tier whose threshold is reached (the first one, 0, below that).
        return max(bisect_right(self._thresholds, earned) - 1, 0)

    def _crossing(self, member_id: int, before: int, after: int) -> Crossing | None:
        old, new = self._level(before), self._level(after)
        return None if old == new else (member_id, self.levels.tiers[old], self.levels.tiers[new])

    def level_names(self, t: Translator) -> list[str]:
        return [self.levels.name_of(tier, t) for tier in self.levels.tiers]

    async def level_of(self, member_id: int) -> int:
        if not self._warm:
            await self.warm()
        return self._level(self.boards.earned(member_id) + self._pending.get(member_id, 0))

    def crossing(self, member_id: int, delta: int) -> Crossing | None:
        """The level a command's entry moves its member across, if any: its totals are about to change (in
        the command's transaction), after any chat entries still on their way."""
        after = self.boards.earned(member_id) + self._pending.get(member_id, 0) + delta
        return self._crossing(member_id, after - delta, after)

    def predict(self, entries: list[NewEntry]) -> list[tuple[Crossing, str]]:
        """Chat entries about to be submitted: the levels they will cross, with the entry that crosses,
        counted as on their way until `settled`."""
        found = []
        on_the_way, thresholds = self._pending, self._thresholds
        for entry in entries:
            if entry.kind in SPENDING:
                continue
            member_id = entry.member_id
            pending = on_the_way.get(member_id, 0)
            before = self.boards.earned(member_id) + pending
            after = before + entry.delta
            on_the_way[member_id] = pending + entry.delta
            # The hot path: most entries cross no threshold, which two bisections tell.
            if bisect_right(thresholds, before) != bisect_right(thresholds, after):
                crossing = self._crossing(member_id, before, after)
                if crossing is not None:
                    found.append((crossing, entry.source))
        return found

    def settled(self, entry: NewEntry, fresh: bool) -> None:
        """A predicted chat entry's batch is over: no longer on its way; in the totals if it was new."""
        if entry.kind in SPENDING:
            return
        left = self._pending.get(entry.member_id, 0) - entry.delta
        if left:
            self._pending[entry.member_id] = left
        else:
            self._pending.pop(entry.member_id, None)
        if fresh:
            self.boards.add(entry.member_id, entry.delta, entry.month)

    async def change_roles(self, crossings: list[Crossing]) -> None:
        """The level roles of members whose chat points moved them (after the entries are durable)."""
        try:
            await self.dispatcher.update_roles(
                await role_updates(self.members, self.levels, crossings, self.t_community)
            )
        except Exception:
            log.exception("points were recorded but the level roles could not be changed")

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
