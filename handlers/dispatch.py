"""After a commit: the outbox rows a unit of work wrote go out, each once, through the delivery policy.

Rows are claimed (`sending`, committed on the log's own connection) before a messenger sees them and
settled after; a crash in between leaves them `sending`, and the next start ends them `unknown` (never
resent: a duplicate is worse than a gap an admin can see), except on platforms where handing a row over
twice has no second effect (WhatsApp's outbox keeps one row per delivery), where they are tried again.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import Counter
from collections.abc import Sequence

from handlers.audience import Consent
from handlers.delivery import (
    Delivery,
    DeliveryFailed,
    DeliveryLog,
    DeliveryState,
    Outcome,
    Queued,
    retry_at,
)
from handlers.models import Identity, MemberStatus, RoleUpdate
from handlers.platforms import Platforms
from handlers.ports import Clock, MemberRepository, Messenger, Transactions

log = logging.getLogger(__name__)

BATCH = 200
NO_PLATFORM = "no running platform reaches them"
NO_CHANNELS = "no running platform has channels"


class Dispatcher:
    def __init__(
        self,
        log_: DeliveryLog,
        messenger: Messenger,
        members: MemberRepository,
        clock: Clock,
        platforms: Platforms,
        transactions: Transactions,
    ) -> None:
        self.log = log_
        self.transactions = transactions
        self.messenger = messenger
        self.members = members
        self.clock = clock
        self.platforms = platforms
        self.consent: Consent | None = None
        """Set once the consent feature is installed; without it nobody has opted out."""
        self.withheld: Counter[str] = Counter()
        """Messages the policy kept back, by reason (STOP, left, never opted in...)."""
        self._posted: list[Queued] = []
        self._committed: list[tuple[Sequence[Queued], asyncio.Future[None]]] = []
        """Rows units of work wrote, with what each unit waits on until they went out."""
        self._due = False
        self._worker: asyncio.Task[None] | None = None
        self._rounds = 0
        """Rounds of the worker begun: a round takes everything posted before it began."""
        self._round_ended = asyncio.Event()

    async def dispatch(self, rows: Sequence[Queued]) -> None:
        """Send these rows now (a unit of work just committed them) and return once they went out; failures
        are recorded, never raised. Rows of units that commit together are claimed and settled together:
        one statement of each for the lot, not one per unit (and none to read them back: the claim tells
        which are still for this dispatcher)."""
        if not rows:
            return
        sent = asyncio.get_running_loop().create_future()
        self._committed.append((rows, sent))
        self._wake()
        await asyncio.shield(sent)

    async def run_due(self) -> int:
        """Send every pending row whose time has come (retries, rows a crash left behind)."""
        sent = 0
        while rows := await self.log.due(self.clock.now(), BATCH):
            await self._send(rows)
            sent += len(rows)
            if len(rows) < BATCH:
                break
        return sent

    def post(self, rows: Sequence[Queued]) -> None:
        """Send these rows soon, without reading them back (a group commit just wrote them). Rows posted
        while a send is under way go together in the next one."""
        self._posted.extend(rows)
        self._wake()

    def kick(self) -> None:
        """Run `run_due` soon (once, however often it is kicked meanwhile)."""
        self._due = True
        self._wake()

    def _wake(self) -> None:
        if self._worker is None or self._worker.done():
            # A context of its own: woken from inside a unit of work, it must not count as part of it.
            self._worker = asyncio.get_running_loop().create_task(self._work(), context=contextvars.Context())

    async def _work(self) -> None:
        while self._posted or self._due or self._committed:
            self._rounds += 1
            committed, self._committed = self._committed, []
            rows, self._posted = self._posted, []
            due, self._due = self._due, False
            try:
                if committed:
                    rows = [*(row for written, _ in committed for row in written), *rows]
                for start in range(0, len(rows), BATCH):
                    await self._send(rows[start : start + BATCH])
                if due:
                    await self.run_due()
            except Exception:
                # Posted rows that could not be claimed are still pending: the next tick sends them.
                log.exception("the outbox could not be read or marked: its messages go out on the next tick")
            except BaseException as dying:  # the process is going down: so are the units waiting here
                for _, sent in committed:
                    if not sent.done():
                        sent.set_exception(dying)
                raise
            finally:
                for _, sent in committed:
                    if not sent.done():
                        sent.set_result(None)
                self._round_ended.set()
                self._round_ended = asyncio.Event()

    async def settle(self) -> None:
        """Wait until what was posted or kicked has gone out (so that a test or a console script reads in
        order). Only what is there now: under a chat flood rows keep coming, and a scheduled job settling
        first must not wait for the flood to end."""
        # What is pending now is taken by the round after the one under way (or by the next, if none is).
        last = self._rounds + 1
        while self._worker is not None and not self._worker.done() and self._rounds <= last:
            ended = asyncio.ensure_future(self._round_ended.wait())
            await asyncio.wait([ended, self._worker], return_when=asyncio.FIRST_COMPLETED)
            ended.cancel()

    async def recover(self) -> None:
        """At start: settle what a crash interrupted, then send what is pending."""
        unknown, retried = await self.log.interrupted(self.platforms.idempotent, self.clock.now())
        if unknown:
            log.warning("%d message(s) were interrupted while sending: marked unknown, not resent", unknown)
        if retried:
            log.info("%d interrupted hand-over(s) are tried again (they cannot arrive twice)", retried)
        await self.run_due()

    async def update_roles(self, updates: Sequence[RoleUpdate]) -> None:
        """Platform role changes (levels, answers): applied where a running platform has roles."""
        roles = self.platforms.roles
        for update in updates:
            if roles is None:
                log.debug("no running platform has roles: %s not applied", update.role)
                continue
            try:
                await roles.update_role(update)
            except Exception:
                log.exception("could not update a role")

    # -- rows ---------------------------------------------------------------------------------

    async def _send(self, rows: Sequence[Queued]) -> None:
        if not rows:
            return
        reaches = self.platforms.reaches
        # An answer to an identity goes if its platform runs: decided here, without a read. The others are
        # read in one unit of work, where its statements run without a round trip each to another thread.
        channels = self.platforms.channels
        targets: list[Identity | str | None] = [
            (row.to if reaches(row.to.platform) else NO_PLATFORM)
            if row.to is not None and row.member_id is None and not row.kind.proactive
            else (None if channels or row.channel is None else NO_CHANNELS)
            for row in rows
        ]
        looked_up = [n for n, row in enumerate(rows) if targets[n] is None and row.channel is None]
        if looked_up:
            async with self.transactions.transaction():
                for n in looked_up:
                    targets[n] = await self._audience(rows[n])
        # Decided before the claim, so the claim records where each row goes (an interrupted hand-over to
        # a platform where it cannot arrive twice is tried again at start). A withheld row is not claimed:
        # it reaches no messenger, so a crash before its outcome is written must not make it `unknown`.
        plan = [
            (row.id, t.platform if isinstance(t, Identity) else None)
            for row, t in zip(rows, targets, strict=True)
            if not isinstance(t, str)
        ]
        mine = await self.log.claim(plan, self.clock.now()) if plan else set()
        outcomes: list[Outcome] = []
        queues: dict[Identity | str | None, list[Delivery]] = {}
        for row, target in zip(rows, targets, strict=True):
            if isinstance(target, str):
                self.withheld[target] += 1
                log.debug("withheld %s message %s: %s", row.kind, row.id, target)
                outcomes.append(Outcome(row.id, DeliveryState.WITHHELD, target))
            elif row.id not in mine:
                continue  # another dispatcher claimed it first
            else:
                delivery = Delivery(row.id, row.kind, row.reply, target, row.channel, row.attempts + 1)
                queues.setdefault(target or row.channel, []).append(delivery)

        async def in_order(queue: list[Delivery]) -> None:
            for delivery in queue:
                outcomes.append(await self._deliver(delivery))

        # One recipient's (or channel's) messages in order. Hand-overs to a platform's own outbox (they
        # wait for a commit) go side by side for different recipients, so they share it; the others one
        # after another (a task each would cost more than they wait).
        side_by_side: list[list[Delivery]] = []
        in_turn: list[list[Delivery]] = []
        for target, queue in queues.items():
            own_outbox = isinstance(target, Identity) and target.platform in self.platforms.idempotent
            (side_by_side if own_outbox else in_turn).append(queue)
        if side_by_side:
            await asyncio.gather(*(in_order(queue) for queue in side_by_side))
        for queue in in_turn:
            await in_order(queue)
        try:
            await self.log.settle(outcomes, self.clock.now())
        except Exception:
            # The messages went out; only their marks are missing, so they stay `sending` and the next
            # start ends them `unknown`: none is sent twice.
            log.exception("could not record %d delivery outcome(s)", len(outcomes))

    async def _deliver(self, delivery: Delivery) -> Outcome:
        try:
            await self.messenger.deliver(delivery)
        except DeliveryFailed as failure:
            if failure.uncertain:
                return Outcome(delivery.id, DeliveryState.UNKNOWN, failure.reason)
            again = retry_at(delivery.attempts, self.clock.now()) if failure.retry else None
            if again is not None:
                return Outcome(delivery.id, DeliveryState.PENDING, failure.reason, again)
            log.warning("%s message %s failed: %s", delivery.kind, delivery.id, failure.reason)
            return Outcome(delivery.id, DeliveryState.FAILED, failure.reason)
        except Exception as error:  # a bug in a messenger: recorded, and the others still go
            log.exception("could not deliver %s message %s", delivery.kind, delivery.id)
            return Outcome(delivery.id, DeliveryState.FAILED, f"{type(error).__name__}: {error}"[:300])
        return Outcome(delivery.id, DeliveryState.SENT)

    async def _audience(self, row: Queued) -> Identity | str:
        """Who the row may reach: the identity, or why nobody (a string). A message to a member goes to the
        identity they used last on a running platform that may receive it."""
        if row.member_id is not None:
            member = await self.members.by_id(row.member_id)
            identities = await self.members.identities(row.member_id)
        else:
            assert row.to is not None
            member = await self.members.by_identity(row.to)
            identities = [row.to]
        reachable = [i for i in identities if self.platforms.reaches(i.platform)]
        if not reachable:
            return NO_PLATFORM
        if not row.kind.proactive:
            return reachable[0]
        if member is not None and member.status is MemberStatus.LEFT:
            return "left the community"
        if self.consent is None:
            return reachable[0]
        if member is None:
            linked = []
        elif row.member_id is None:
            linked = await self.members.identities(member.id)
        else:
            linked = identities  # read above: the member's own
        why = "opted out with STOP"
        for identity in reachable:
            refused = await self.consent.why_not(identity, linked)
            if refused is None:
                return identity
            why = refused
        return why
