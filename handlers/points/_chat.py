"""Points in chat: the hot path every channel message takes.

Each message is judged against limits the engine keeps in memory (cooldown, daily cap, kudos budget),
reserved synchronously so that concurrent messages never overspend them. The entries go to the ledger's
group commit without waiting; one callback per committed batch gives back what was reserved for
entries that were not new (a replayed message), counts the rest as earned and sends what acknowledges
them (kudos confirmations, level changes).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from handlers.events import ChatMessage
from handlers.ledger import Kind
from handlers.models import Identity, MemberStatus, Outgoing, Reply, RoleUpdate
from handlers.points._counters import UNKNOWN, Counters
from handlers.points._errors import KudosWhilePending
from handlers.points._mentions import find_kudos
from handlers.points._models import NewEntry

if TYPE_CHECKING:
    from handlers.points._engine import Crossing, PointsEngine

log = logging.getLogger(__name__)


class ChatPoints:
    def __init__(self, engine: PointsEngine) -> None:
        self.engine = engine
        self.rules = engine.rules
        self.repo = engine.repo
        self._cooldown = timedelta(seconds=engine.rules.activity.cooldown_seconds)
        self._batch: asyncio.Future[list[bool]] | None = None
        self._written: list[ChatWrite] = []
        """The chat writes in the open batch, settled together by one callback."""

    async def on_chat(self, message: ChatMessage) -> list[Reply]:
        engine = self.engine
        if not engine.is_warm:
            await engine.warm()
        identity = message.identity
        member = engine.cached_member(identity)
        if member is UNKNOWN:
            member = await engine.member(identity)
        if member is None or member.status is not MemberStatus.MEMBER:
            if member is not None and member.status is MemberStatus.PENDING and find_kudos(message.text):
                return [Reply(KudosWhilePending().text(), private=True)]
            return []
        rules = self.rules
        mentions = find_kudos(message.text) if rules.kudos.enabled else ()
        targets = [(m, await engine.by_token(m.token, message)) for m in mentions] if mentions else ()
        # From here to the write there is no await: the reservations below are atomic.
        now = engine.clock.now()
        counters = engine.counters(member.id, now)
        month = engine.period(now).month
        key = f"{identity.platform}:{message.event_id or uuid.uuid4().hex}"
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
                    month,
                )
            )  # fmt: skip
        for mention, target in targets:
            problem = engine.kudos_problem(member, target, mention.token)
            if problem:
                replies.append(Reply(problem.text(), private=True))
                continue
            assert target is not None
            if counters.kudos_given >= rules.kudos.daily_budget:
                replies.append(Reply(engine.budget_spent(now, target.mention()).text(), private=True))
                break
            counters.kudos_given += 1
            entries.append(
                NewEntry(
                    target.id, rules.kudos.points, Kind.KUDOS, mention.reason or "kudos",
                    f"kudos:{key}:{target.id}", now, month, member.id, None, str(identity),
                )
            )  # fmt: skip
        if not entries:
            return replies
        # No chat handler waits for the commit: what acknowledges it (the kudos confirmation, level-ups)
        # is sent once the entries are durable, by one callback for the whole batch. Only a full batch
        # makes the producer wait for it (backpressure: at most one message per event in flight joins a
        # full batch, so its commit stays short).
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
        engine = self.engine
        if done.cancelled() or done.exception() is not None:
            log.error(
                "chat points were not recorded: %s", "cancelled" if done.cancelled() else done.exception()
            )
            sorry: list[Outgoing] = []
            for write in writes:
                for entry in write.entries:
                    write.release(entry)
                if any(e.kind is Kind.KUDOS for e in write.entries):
                    sorry.append(
                        _private(write.giver, "Sorry, your kudos could not be recorded. Please try again.")
                    )
            if sorry:
                engine.spawn(engine.deliver(sorry, ()))
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
        crossings = engine.crossings(changes, commit=True)
        if thanked or crossings:
            engine.spawn(self._follow_up(thanked, crossings))

    async def _follow_up(
        self, thanked: list[tuple[Identity, list[int], int]], crossings: list[Crossing]
    ) -> None:
        """Messages that acknowledge durable entries: kudos confirmations and level changes."""
        engine = self.engine
        try:
            kudos = self.rules.kudos
            out: list[Outgoing] = []
            roles: list[RoleUpdate] = []
            for giver, given, used in thanked:
                names = ", ".join([f"@{await engine.handle_of(member_id)}" for member_id in given])
                each = " each" if len(given) > 1 else ""
                text = (
                    f"Kudos sent to {names} (+{kudos.points}{each}). "
                    f"You have {kudos.daily_budget - used} of {kudos.daily_budget} left today."
                )
                out.append(_private(giver, text))
            if crossings:
                await engine.level_messages(crossings, out, roles)
            await engine.deliver(out, roles)
        except Exception:
            log.exception("points were recorded but the follow-up messages failed")


def _private(to: Identity, text: str) -> Outgoing:
    return Outgoing(Reply(text, private=True), to=to, kind="kudos")


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
