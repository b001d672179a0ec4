"""Points in chat: the hot path every channel message takes.

Each message is judged against limits the engine keeps in memory (cooldown, daily cap, kudos budget),
reserved synchronously so that concurrent messages never overspend them. The entries go to the ledger's
group commit without waiting, and with them the messages that acknowledge them (the kudos confirmation,
levels reached): written in the same transaction, each only if the entries it tells of were new, so a
crash can lose neither and a replayed message sends nothing twice. One callback per committed batch
gives back what was reserved for entries that were not new, counts the rest as earned, has the outbox
sent and the level roles changed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from handlers.delivery import MessageKind, Outgoing, Queued
from handlers.events import ChatMessage
from handlers.i18n import Translator
from handlers.ledger import Kind
from handlers.models import Identity, Member, MemberStatus, Reply
from handlers.points._counters import UNKNOWN, Counters
from handlers.points._errors import KudosWhilePending
from handlers.points._format import CHAT_REASON, KUDOS_REASON
from handlers.points._levels import Crossing, announcements
from handlers.points._mentions import find_kudos
from handlers.points._models import FollowUp, NewEntry
from handlers.points._settings import KudosRules

if TYPE_CHECKING:
    from handlers.points._engine import PointsEngine

log = logging.getLogger(__name__)
# Enum members as module names: a class attribute lookup costs about 100 ns, several per chat message.
ACTIVITY, KUDOS, MEMBER = Kind.ACTIVITY, Kind.KUDOS, MemberStatus.MEMBER


class ChatPoints:
    def __init__(self, engine: PointsEngine) -> None:
        self.engine = engine
        self.rules = engine.rules
        self.repo = engine.repo
        self._cooldown = timedelta(seconds=engine.rules.activity.cooldown_seconds)
        self._batch: asyncio.Future[list[int]] | None = None
        self._written: list[ChatWrite] = []
        """The chat writes in the open batch, settled together by one callback."""
        self._left: dict[tuple[str, int], str] = {}
        """`You have 1 of 3 left today.` by language and count (see kudos_sent)."""

    async def on_chat(self, message: ChatMessage) -> list[Reply]:
        engine = self.engine
        if not engine.is_warm:
            await engine.warm()
        identity = message.identity
        member = engine.cached_member(identity)
        if member is UNKNOWN:
            member = await engine.member(identity)
        if member is None or member.status is not MEMBER:
            if member is not None and member.status is MemberStatus.PENDING and find_kudos(message.text):
                return [Reply(KudosWhilePending().text(engine.t_for(member)), private=True)]
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
        thanked: list[Member] = []
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
                    member.id, points, ACTIVITY, CHAT_REASON + message.channel, f"activity:{key}", now,
                    month,
                )
            )  # fmt: skip
        for mention, target in targets:
            problem = engine.kudos_problem(member, target, mention.token)
            if problem:
                replies.append(Reply(problem.text(engine.t_for(member)), private=True))
                continue
            assert target is not None
            if counters.kudos_given >= rules.kudos.daily_budget:
                spent = engine.budget_spent(now, target.mention())
                replies.append(Reply(spent.text(engine.t_for(member)), private=True))
                break
            counters.kudos_given += 1
            thanked.append(target)
            entries.append(
                NewEntry(
                    target.id, rules.kudos.points, KUDOS, mention.reason or KUDOS_REASON,
                    f"kudos:{key}:{target.id}", now, month, member.id, None, str(identity),
                )
            )  # fmt: skip
        if not entries:
            return replies
        crossings = engine.predict(entries)
        # Most messages earn activity points only: nothing to tell, so nothing to build.
        follow_ups = (
            self._follow_ups(member, identity, thanked, entries, counters, crossings)
            if thanked or crossings
            else []
        )
        # No chat handler waits for the commit; only a full batch makes the producer wait for it
        # (backpressure: at most one message per event in flight joins a full batch, so its commit stays
        # short).
        batch, start = self.repo.submit([*entries, *follow_ups])
        if batch is not self._batch:
            self._batch, self._written = batch, []
            batch.add_done_callback(partial(self._settle_batch, self._written))
        self._written.append(ChatWrite(start, entries, follow_ups, crossings, identity, counters, previous))
        if self.repo.backlogged:
            await asyncio.wait([batch])
        return replies

    def _follow_ups(
        self,
        author: Member,
        giver: Identity,
        thanked: list[Member],
        entries: list[NewEntry],
        counters: Counters,
        crossings: list[tuple[Crossing, str]],
    ) -> list[FollowUp]:
        """The messages that acknowledge the entries, each written only if the entries it tells of are: the
        confirmation in the giver's language, level posts in the community's, level messages in each
        member's."""
        engine = self.engine
        follow_ups: list[FollowUp] = []
        if thanked:
            t = engine.t_for(author)
            text = kudos_sent(t, self.rules.kudos, thanked, counters.kudos_given, self._left)
            message = Outgoing(Reply(text, private=True), to=giver, kind=MessageKind.REPLY)
            follow_ups.append(FollowUp(message, tuple([e.source for e in entries if e.kind is KUDOS])))
        if crossings:
            who = {author.id: author} | {member.id: member for member in thanked}
            community = engine.t_community
            for crossing, source in crossings:
                for message in announcements(engine.levels, [crossing], who, engine.t_for, community):
                    follow_ups.append(FollowUp(message, (source,)))
        return follow_ups

    def _settle_batch(self, writes: list[ChatWrite], done: asyncio.Future[list[int]]) -> None:
        """A batch of chat entries was committed (or failed): give back what was reserved for entries that
        were not written, count the rest as earned, send what the batch wrote to the outbox and change the
        roles of levels left and reached."""
        engine = self.engine
        if done.cancelled() or done.exception() is not None:
            log.error(
                "chat points were not recorded: %s", "cancelled" if done.cancelled() else done.exception()
            )
            sorry: list[Outgoing] = []
            for write in writes:
                for entry in write.entries:
                    write.release(entry)
                    engine.settled(entry, fresh=False)
                if any(e.kind is KUDOS for e in write.entries):
                    giver = engine.cached_member(write.giver)
                    t = engine.t_for(giver if isinstance(giver, Member) else None)
                    text = t("points.kudos_not_recorded")
                    sorry.append(Outgoing(Reply(text, private=True), to=write.giver, kind=MessageKind.REPLY))
            if sorry:
                engine.spawn(engine.send(sorry))
            return
        fresh = done.result()
        told: list[Queued] = []
        reached: list[Crossing] = []
        for write in writes:
            for position, entry in enumerate(write.entries, write.start):
                new = bool(fresh[position])
                engine.settled(entry, fresh=new)
                if not new:
                    write.release(entry)
            reached += [c for c, source in write.crossings if write.wrote(source, fresh)]
            after = write.start + len(write.entries)
            for offset, follow_up in enumerate(write.follow_ups):
                row_id = fresh[after + offset]
                if row_id:  # written: the batch gave it this outbox id
                    told.append(follow_up.message.queued(row_id))
        if told:
            engine.dispatcher.post(told)
        if reached:
            engine.spawn(engine.change_roles(reached))


def kudos_sent(
    t: Translator,
    rules: KudosRules,
    thanked: Sequence[Member],
    given: int,
    lefts: dict[tuple[str, int], str] | None = None,
) -> str:
    """`Kudos sent to @bob, @carol (+5 each). You have 1 of 3 left today.` (chat and the KUDOS command).
    `lefts` keeps the second sentence by language and count (the chat path writes thousands a second)."""
    names = ", ".join(member.mention() for member in thanked)
    sent = t("points.kudos_sent", count=len(thanked), names=names, points=rules.points)
    count = rules.daily_budget - given
    left = None if lefts is None else lefts.get((t.language, count))
    if left is None:
        left = t("points.kudos_left", count=count, budget=rules.daily_budget)
        if lefts is not None:
            lefts[(t.language, count)] = left
    return sent + " " + left


@dataclass(slots=True)
class ChatWrite:
    """One chat message's rows in a group commit, and what to give back if they are not written."""

    start: int
    """Where the entries start in the batch's result (the follow-ups come right after them)."""
    entries: list[NewEntry]
    follow_ups: list[FollowUp]
    crossings: list[tuple[Crossing, str]]
    """The levels its entries were predicted to cross, each with the entry that crosses."""
    giver: Identity
    counters: Counters
    previous: datetime | None
    """The last activity before this message's (the cooldown goes back to it)."""

    def wrote(self, source: str, fresh: list[int]) -> bool:
        """Whether the batch wrote this message's entry with that source."""
        return any(fresh[p] for p, e in enumerate(self.entries, self.start) if e.source == source)

    def release(self, entry: NewEntry) -> None:
        if entry.kind is ACTIVITY:
            self.counters.activity_points -= entry.delta
            self.counters.last_activity_at = self.previous
        elif entry.kind is KUDOS:
            self.counters.kudos_given -= 1
