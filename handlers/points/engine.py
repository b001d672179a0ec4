"""The points engine: the one way points are written, and the hot chat path.

Chat is where a community is busiest, so the engine keeps in memory what each message needs to be
judged (members, today's counters, points earned) and writes the resulting ledger entries through the
repository's group commit. Limits (cooldown, daily cap, kudos budget) are reserved synchronously, before
any await, so concurrent messages can never overspend them; a reservation is released when its entry
turns out not to be new (a replayed message) or the write fails.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from handlers.context import Context
from handlers.errors import Conflict
from handlers.members import RESERVED_HANDLES
from handlers.models import Identity, IncomingMessage, Member, MemberStatus, Outgoing, Reply, RoleUpdate
from handlers.points import calendar
from handlers.points.boards import Boards
from handlers.points.levels import level_messages, level_of
from handlers.points.mentions import find_kudos
from handlers.points.models import SPENDING, Kind, NewEntry
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
        self._cooldown = timedelta(seconds=self.config.points.activity.cooldown_seconds)
        self._batch: asyncio.Future[list[bool]] | None = None
        self._written: list[ChatWrite] = []
        """The chat writes in the open batch, settled together by one callback."""

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

    async def _by_token(self, token: str, message: IncomingMessage) -> Member | None:
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
        return self._counters.setdefault(member_id, Counters())

    # -- chat -----------------------------------------------------------------------------------

    async def on_chat(self, message: IncomingMessage) -> list[Reply]:
        if not self._warm:
            await self.warm()
        identity = message.identity
        member = self._members.get(identity, _UNKNOWN)
        if member is _UNKNOWN:
            member = await self.member(identity)
        if member is None or member.status is not MemberStatus.MEMBER:
            if member is not None and member.status is MemberStatus.PENDING and find_kudos(message.text):
                return [Reply(PENDING_KUDOS, private=True)]
            return []
        rules = self.config.points
        mentions = find_kudos(message.text) if rules.kudos.enabled else ()
        targets = [(m, await self._by_token(m.token, message)) for m in mentions] if mentions else ()
        # From here to the write there is no await: the reservations below are atomic.
        now = self.services.clock.now()
        period = self._period
        if not period.start <= now < period.end:
            period = self.period(now)
        if period.day != self._day:  # local midnight passed: every budget and cap starts again
            self._day = period.day
            self._counters = {}
        counters = self._counters.get(member.id)
        if counters is None:
            counters = self._counters[member.id] = Counters()
        key = f"{identity.platform}:{message.message_id or uuid.uuid4().hex}"
        entries: list[NewEntry] = []
        replies: list[Reply] = []
        activity = rules.activity
        previous = counters.last_activity_at
        if (
            activity.enabled
            and counters.activity_points < activity.daily_cap
            and (previous is None or now - previous >= self._cooldown)
            and message.channel not in activity.excluded_channels
            and len(message.text.strip()) >= activity.min_length
        ):
            points = min(activity.points, activity.daily_cap - counters.activity_points)
            counters.activity_points += points
            counters.last_activity_at = now
            entries.append(
                NewEntry(
                    member.id, points, Kind.ACTIVITY, f"chat in #{message.channel}", f"activity:{key}", now,
                    period.month,
                )
            )  # fmt: skip
        for mention, target in targets:
            problem = self.kudos_problem(member, target, mention.token)
            if problem:
                replies.append(Reply(problem, private=True))
                continue
            assert target is not None
            if counters.kudos_given >= rules.kudos.daily_budget:
                replies.append(
                    Reply(self.budget_spent(now, f"{target.mention()} got none this time"), private=True)
                )
                break
            counters.kudos_given += 1
            entries.append(
                NewEntry(
                    target.id, rules.kudos.points, Kind.KUDOS, mention.reason or "kudos",
                    f"kudos:{key}:{target.id}", now, period.month, member.id, None, str(identity),
                )
            )  # fmt: skip
        if not entries:
            return replies
        # No chat handler waits for the commit: what acknowledges it (the kudos confirmation, level-ups)
        # is sent once the entries are durable, by one callback for the whole batch. Only a full queue
        # makes the producer wait (backpressure).
        batch, start = self.repo.submit(entries)
        if batch is not self._batch:
            self._batch, self._written = batch, []
            batch.add_done_callback(partial(self._settle_batch, self._written))
        self._written.append(ChatWrite(start, entries, identity, counters, previous))
        if self.repo.backlogged:
            await asyncio.wait([batch])
        return replies

    def _settle_batch(self, writes: list[ChatWrite], done: asyncio.Future[list[bool]]) -> None:
        """A batch of chat entries was committed (or failed): give back what was reserved for entries that
        were not written, count the rest as earned, then confirm kudos and announce level changes."""
        if done.cancelled() or done.exception() is not None:
            log.error(
                "chat points were not recorded: %s", "cancelled" if done.cancelled() else done.exception()
            )
            sorry: list[Outgoing | RoleUpdate] = []
            for write in writes:
                for entry in write.entries:
                    write.release(entry)
                if any(e.kind is Kind.KUDOS for e in write.entries):
                    sorry.append(
                        _private(write.giver, "Sorry, your kudos could not be recorded. Please try again.")
                    )
            if sorry:
                self._spawn(self.core.deliver(sorry))
            return
        fresh = done.result()
        changes: list[tuple[int, int, Kind, str]] = []
        thanked: list[tuple[Identity, list[int], int]] = []
        for write in writes:
            given: list[int] = []
            for position, entry in enumerate(write.entries, write.start):
                if not fresh[position]:
                    write.release(entry)
                    continue
                changes.append((entry.member_id, entry.delta, entry.kind, entry.month))
                if entry.kind is Kind.KUDOS:
                    given.append(entry.member_id)
            if given:
                thanked.append((write.giver, given, write.counters.kudos_given))
        crossings = self._crossings(changes, commit=True)
        if thanked or crossings:
            self._spawn(self._follow_up(thanked, crossings))

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _follow_up(
        self, thanked: list[tuple[Identity, list[int], int]], crossings: list[tuple[int, Tier, Tier]]
    ) -> None:
        """Messages that acknowledge durable entries: kudos confirmations and level changes."""
        try:
            kudos = self.config.points.kudos
            out: list[Outgoing | RoleUpdate] = []
            for giver, given, used in thanked:
                names = ", ".join([f"@{await self._handle_of(member_id)}" for member_id in given])
                each = " each" if len(given) > 1 else ""
                text = (
                    f"Kudos sent to {names} (+{kudos.points}{each}). "
                    f"You have {kudos.daily_budget - used} of {kudos.daily_budget} left today."
                )
                out.append(_private(giver, text))
            if crossings:
                out.extend(await self._level_messages(crossings))
            await self.core.deliver(out)
        except Exception:
            log.exception("points were recorded but the follow-up messages failed")

    async def settle(self) -> None:
        """Wait for chat points still being written and their follow-up messages, so that what comes
        next reads (and is told) everything that happened before it."""
        await self.repo.settle()
        while self._tasks:
            await asyncio.wait(list(self._tasks))

    async def _handle_of(self, member_id: int) -> str:
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
        resets = calendar.until(now, calendar.next_midnight(now, self.tz))
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
        crossings = self._crossings([(member_id, delta, kind, self.period(ctx.now).month)], commit=False)
        if crossings:
            ctx.outbox.extend(await self._level_messages(crossings))
        if kind not in SPENDING:
            month = self.period(ctx.now).month
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

    def _crossings(
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
        for member_id, delta in totals.items():
            after = self.boards.earned(member_id) + (0 if commit else delta)
            before = after - delta
            old, new = level_of(levels, before), level_of(levels, after)
            if old is not new:
                crossings.append((member_id, old, new))
        return crossings

    async def _level_messages(self, crossings: list[tuple[int, Tier, Tier]]) -> list[Outgoing | RoleUpdate]:
        return await level_messages(self.services.members, self.config.levels, crossings)

    async def rank(self, member_id: int, month: str | None = None) -> tuple[int, int] | None:
        """(rank, points) on the all-time board, or this month's when `month` is the current one."""
        if not self._warm:
            await self.warm()
        return await self.boards.rank(member_id, month)

    def set_listed(self, member_id: int, listed: bool) -> None:
        self.boards.set_listed(member_id, listed)


def _release_kudos(counters: Counters) -> Callable[[], None]:
    def release() -> None:
        counters.kudos_given -= 1

    return release


def _private(to: Identity, text: str) -> Outgoing:
    return Outgoing(Reply(text, private=True), to=to, kind="kudos")


_UNKNOWN: Any = object()


@dataclass(slots=True)
class ChatWrite:
    """One chat message's entries in a group commit, and what to give back if they are not written."""

    start: int
    """Where the entries start in the batch's result."""
    entries: list[NewEntry]
    giver: Identity
    counters: Counters
    previous: datetime | None
    """The last activity before this message's (the cooldown goes back to it)."""

    def release(self, entry: NewEntry) -> None:
        if entry.kind is Kind.ACTIVITY:
            self.counters.activity_points -= entry.delta
            self.counters.last_activity_at = self.previous
        elif entry.kind is Kind.KUDOS:
            self.counters.kudos_given -= 1
