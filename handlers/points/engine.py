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
from typing import TYPE_CHECKING

from handlers.context import Context
from handlers.errors import Conflict
from handlers.members import RESERVED_HANDLES
from handlers.models import Identity, IncomingMessage, Member, MemberStatus, Outgoing, Reply, RoleUpdate
from handlers.points import calendar
from handlers.points.levels import level_of
from handlers.points.mentions import find_kudos
from handlers.points.models import SPENDING, Kind, NewEntry
from handlers.points.rules import Announce

if TYPE_CHECKING:
    from handlers.core import Core

log = logging.getLogger(__name__)


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
        self._earned: dict[int, int] = {}
        self._counters: dict[int, Counters] = {}
        self._day: date | None = None
        self._warm = False
        self._warming = asyncio.Lock()

    # -- caches ---------------------------------------------------------------------------------

    async def warm(self) -> None:
        """Load members, points earned and today's counters in a few queries."""
        async with self._warming:
            if self._warm:
                return
            now = self.services.clock.now()
            for identity, member in await self.services.members.directory():
                self._remember(identity, member)
            self._earned = await self.repo.earned_all()
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

    def forget(self, identity: Identity, member: Member | None = None) -> None:
        """Drop cached knowledge of an identity (and its member) so the next use reloads it."""
        cached = self._members.pop(identity, None) or member
        if cached is not None:
            self._by_handle.pop(cached.handle, None)
            for known, other in list(self._members.items()):
                if other is not None and other.id == cached.id:
                    del self._members[known]

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
        return self._by_handle.get(handle)

    def counters(self, member_id: int, now: datetime) -> Counters:
        today = calendar.local_day(now, self.tz)
        if today != self._day:  # local midnight passed: every budget and cap starts again
            self._day = today
            self._counters = {}
        return self._counters.setdefault(member_id, Counters())

    # -- chat -----------------------------------------------------------------------------------

    async def on_chat(self, message: IncomingMessage) -> list[Reply]:
        if not self._warm:
            await self.warm()
        member = await self.member(message.identity)
        if member is None or member.status is not MemberStatus.MEMBER:
            return []
        rules = self.config.points
        mentions = find_kudos(message.text) if rules.kudos.enabled else []
        targets = [(m, await self._by_token(m.token, message)) for m in mentions]
        # From here to the write there is no await: the reservations below are atomic.
        now = self.services.clock.now()
        counters = self.counters(member.id, now)
        month = calendar.month_key(now, self.tz)
        key = f"{message.identity.platform}:{message.message_id or uuid.uuid4().hex}"
        entries: list[NewEntry] = []
        releases: list[Callable[[], None]] = []
        replies: list[Reply] = []
        activity = rules.activity
        if (
            activity.enabled
            and message.channel not in activity.excluded_channels
            and len(message.text.strip()) >= activity.min_length
            and counters.activity_points < activity.daily_cap
            and (
                counters.last_activity_at is None
                or now - counters.last_activity_at >= timedelta(seconds=activity.cooldown_seconds)
            )
        ):
            points = min(activity.points, activity.daily_cap - counters.activity_points)
            previous = counters.last_activity_at
            counters.activity_points += points
            counters.last_activity_at = now
            entries.append(
                NewEntry(
                    member.id,
                    points,
                    Kind.ACTIVITY,
                    f"chat in #{message.channel}",
                    f"activity:{key}",
                    now,
                    month,
                )
            )
            releases.append(_release_activity(counters, points, previous))
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
                    target.id,
                    rules.kudos.points,
                    Kind.KUDOS,
                    mention.reason or "kudos",
                    f"kudos:{key}:{target.id}",
                    now,
                    month,
                    actor_id=member.id,
                    actor_identity=str(message.identity),
                )
            )
            releases.append(_release_kudos(counters))
        if not entries:
            return replies
        try:
            fresh = await self.repo.append_durable(entries)
        except Exception:
            for release in releases:
                release()
            raise
        for is_new, release in zip(fresh, releases, strict=True):
            if not is_new:
                release()
        written = [e for e, is_new in zip(entries, fresh, strict=True) if is_new]
        # The entries are durable now: what follows only informs, and must not report a failure.
        try:
            given = [e for e in written if e.kind is Kind.KUDOS]
            if given:
                names = ", ".join([f"@{await self._handle_of(e.member_id)}" for e in given])
                left = rules.kudos.daily_budget - counters.kudos_given
                replies.append(
                    Reply(
                        f"Kudos sent to {names} (+{rules.kudos.points} each). "
                        f"You have {left} of {rules.kudos.daily_budget} left today.",
                        private=True,
                    )
                )
            changes = [(e.member_id, e.delta, e.kind) for e in written]
            await self.core.deliver(await self._level_changes(changes))
        except Exception:
            log.exception("points were recorded but the follow-up messages failed")
        return replies

    async def _handle_of(self, member_id: int) -> str:
        found = next((m for m in self._by_handle.values() if m.id == member_id), None)
        if found is None:
            found = await self.services.members.by_id(member_id)
        return found.handle if found else str(member_id)

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
        ctx.outbox.extend(await self._level_changes([(member_id, delta, kind)], commit=False))
        if kind not in SPENDING:
            ctx.after_commit.append(lambda: self._add_earned(member_id, delta))
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
            calendar.month_key(ctx.now, self.tz),
            actor_id,
            reverses,
            str(ctx.actor) if ctx.actor else None,
        )

    def _add_earned(self, member_id: int, delta: int) -> None:
        self._earned[member_id] = self._earned.get(member_id, 0) + delta

    async def _level_changes(
        self, changes: list[tuple[int, int, Kind]], commit: bool = True
    ) -> list[Outgoing | RoleUpdate]:
        """Announcements and role updates for members whose level changed; applies the deltas to the
        earned cache when `commit` (the entries are already durable)."""
        levels = self.config.levels
        totals: dict[int, int] = {}
        for member_id, delta, kind in changes:
            if kind not in SPENDING:
                totals[member_id] = totals.get(member_id, 0) + delta
        out: list[Outgoing | RoleUpdate] = []
        for member_id, delta in totals.items():
            before = self._earned.get(member_id, 0)
            after = before + delta
            if commit:
                self._earned[member_id] = after
            old, new = level_of(levels, before), level_of(levels, after)
            if old == new:
                continue
            member = await self.services.members.by_id(member_id)
            if member is None:
                continue
            identities = await self.services.members.identities(member_id)
            for identity in identities:
                if old.role and old.role != new.role:
                    out.append(RoleUpdate(identity, old.role, False, f"level {new.name}"))
                if new.role:
                    out.append(RoleUpdate(identity, new.role, True, f"level {new.name}"))
            if new.threshold > old.threshold and levels.announce is not Announce.OFF:
                text = f"🎉 {member.mention()} reached level {new.name}!"
                if levels.announce is Announce.CHANNEL:
                    out.append(Outgoing(Reply(text), channel=levels.channel, kind="level_up"))
                elif identities:
                    out.append(
                        Outgoing(
                            Reply(f"🎉 You reached level {new.name}!"), to=identities[0], kind="level_up"
                        )
                    )
        return out

    def earned(self, member_id: int) -> int:
        return self._earned.get(member_id, 0)


def _release_activity(counters: Counters, points: int, previous: datetime | None) -> Callable[[], None]:
    def release() -> None:
        counters.activity_points -= points
        counters.last_activity_at = previous

    return release


def _release_kudos(counters: Counters) -> Callable[[], None]:
    def release() -> None:
        counters.kudos_given -= 1

    return release
