"""Messages answered as received before they are handled: stored first, then worked through.

A platform that must hear back at once (Twilio gives a webhook 15 s, and does not retry an answered one)
hands its message to `receive`: it is stored durably (group-committed with everything else) and the
platform is answered; the core then handles it in arrival order per person, many people at once so that
their commands share commits. After a crash, `start` resumes what was stored and not yet handled; the
core's inbox makes each platform id count once even if it was handled just before the crash.

With several processes on one database every one stores what it receives, but only the scheduler's leader
handles (`start`; the others are on `standby`): the in-memory state that makes chat fast (cooldowns,
daily caps, kudos budgets, boards) is one process's, so one process at a time may change it. The leader
queues what it receives itself at once and finds the rows others stored by `seq` (they become visible in
seq order), woken by the repository's notification (PostgreSQL's LISTEN) or, if one is missed, by a poll
every POLL_SECONDS. A standby bounds its backlog by the rows stored and not yet handled, by anyone.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from handlers.events import DirectMessage
from handlers.models import Identity
from handlers.ports import Clock, IntakeRepository, Received, StorageUnavailable, Transactions

log = logging.getLogger(__name__)

RETRY_FIRST = 0.1
RETRY_MOST = 5.0
STOP_WAIT = 10.0
MARK_AFTER = 0.05
"""Seconds handled messages wait to be marked together."""
POLL_SECONDS = 1.0
"""Seconds between two looks for rows another process stored (a missed notification waits this long)."""

Handle = Callable[[DirectMessage], Awaitable[Any]]


class Backlogged(Exception):
    """The intake is too far behind: the platform should keep the message and send it again later."""


class Intake:
    def __init__(
        self,
        repository: IntakeRepository,
        transactions: Transactions,
        clock: Clock,
        handle: Handle,
        *,
        backlog_limit: int,
        concurrency: int = 64,
    ) -> None:
        self.repository = repository
        self.transactions = transactions
        self.clock = clock
        self.handle = handle
        self.backlog_limit = backlog_limit
        self._slots = asyncio.Semaphore(concurrency)
        """People handled at once: enough for their commands to fill group commits, few enough to keep
        the loop responsive to the webhook."""
        self._queues: dict[Identity, deque[Received]] = {}
        self._backlog = 0
        self._runners: set[asyncio.Task[None]] = set()
        self._handled: list[int] = []
        self._flusher: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self.leading = True
        """Whether this process handles what is stored (a lone intake does; see `standby`)."""
        self._known: set[int] = set()
        """Seqs queued or handled and not yet marked: a row found again is not queued twice."""
        self._marked: set[int] = set()
        """Seqs marked since the current look began: its rows may predate their marks."""
        self._seen = 0
        """The highest seq the last look read: the next reads only what is newer (rows become visible in
        seq order, so none older can appear later)."""
        self._looking = asyncio.Lock()
        self._stored = 0
        """On standby: rows stored by any process and not yet handled, as last counted."""
        self._wakened = asyncio.Event()
        self._watcher: asyncio.Task[None] | None = None

    @property
    def backlog(self) -> int:
        """Messages received and not yet handled."""
        return self._backlog

    @property
    def full(self) -> bool:
        """Too far behind (or stopping) to take more: the platform should send them again later."""
        backlog = self._backlog if self.leading else self._stored
        return backlog >= self.backlog_limit or self._stopping

    async def start(self) -> None:
        """Handle what is stored: what the last run (or another process) stored and nobody handled, oldest
        first, then what arrives here or is stored elsewhere."""
        self._stopping, self.leading = False, True
        resumed = await self._look(everything=True)
        if resumed:
            log.info("resuming %d received messages not yet handled", resumed)
        self._watch()
        self.wake()  # listening starts at once, not at the first poll

    async def standby(self) -> None:
        """Store what arrives, handle nothing: another process leads. What is being handled finishes
        first; what is queued stays in the database for the leader."""
        self.leading = False
        if self._stopping:
            return  # stopped already (the process is ending): nothing to watch
        await self.repository.unlisten()
        await self._settle()
        self._stored = await self.repository.count()
        self._watch()

    def wake(self) -> None:
        """Another process stored a message: look for it now rather than at the next poll."""
        self._wakened.set()

    async def receive(
        self, message: DirectMessage, alongside: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        """Store a message durably and queue it; `alongside` runs in the same unit of work. Raises
        Backlogged past the bound (nothing stored) and StorageUnavailable when it could not be stored."""
        if self.full:
            raise Backlogged()
        # Its turn before the commands being handled: the platform waits for this answer.
        async with self.transactions.transaction(first=True):
            if alongside is not None:
                await alongside()
            seq = await self.repository.put(message, self.clock.now())
        if seq is None:
            log.debug("message %s was already received", message.event_id)
            return  # stored before and queued then (or handled already: the inbox tells)
        if self.leading:
            self._queue(Received(seq, message))
        else:
            self._stored += 1  # counted until the next count: a flood between two is bounded too

    async def idle(self) -> None:
        """Wait until everything received was handled and marked so."""
        await self._idle.wait()

    async def stop(self) -> None:
        """Let the messages being handled finish; what is still queued waits in the database."""
        self._stopping = True
        if self._watcher is not None:
            self._watcher.cancel()
            await asyncio.gather(self._watcher, return_exceptions=True)
            self._watcher = None
        await self.repository.unlisten()
        await self._settle()

    def _watch(self) -> None:
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.get_running_loop().create_task(
                self._watching(), context=contextvars.Context()
            )

    async def _watching(self) -> None:
        """The leader looks for rows others stored when woken, and every POLL_SECONDS (then all of them,
        when idle: a row a look skipped is found); a standby counts them for its bound."""
        while not self._stopping:
            polled = False
            try:
                async with asyncio.timeout(POLL_SECONDS):
                    await self._wakened.wait()
            except TimeoutError:
                polled = True
            self._wakened.clear()
            try:
                if self.leading:
                    await self.repository.listen(self.wake)  # each time: a lost listener is made again
                    await self._look(everything=polled and self._backlog == 0)
                else:
                    self._stored = await self.repository.count()
            except StorageUnavailable:
                log.warning("could not look for stored messages: trying again")
            except Exception:
                log.exception("looking for stored messages failed")

    async def _look(self, everything: bool = False) -> int:
        """Queue the stored rows this process has not queued; how many."""
        async with self._looking:
            self._marked = set()
            rows = await self.repository.pending(0 if everything else self._seen)
            if not self.leading or self._stopping:
                return 0
            if rows:
                self._seen = max(self._seen, rows[-1].seq)
            fresh = [r for r in rows if r.seq not in self._known and r.seq not in self._marked]
            for received in fresh:
                self._queue(received)
            return len(fresh)

    async def _settle(self) -> None:
        """Wait for the runners (cancelling the slow), then mark what they handled."""
        if self._runners:
            _, late = await asyncio.wait(set(self._runners), timeout=STOP_WAIT)
            for runner in late:
                runner.cancel()
            await asyncio.gather(*late, return_exceptions=True)  # rolled back before the database closes
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        if self._handled:
            await self._mark_handled()

    def _queue(self, received: Received) -> None:
        self._known.add(received.seq)
        self._backlog += 1
        self._idle.clear()
        who = received.message.identity
        queue = self._queues.get(who)
        if queue is not None:
            queue.append(received)  # its runner takes it after the ones before
            return
        self._queues[who] = deque((received,))
        # A context of its own: a runner started from inside a unit of work is no part of it.
        runner = asyncio.get_running_loop().create_task(self._run(who), context=contextvars.Context())
        self._runners.add(runner)
        runner.add_done_callback(self._runners.discard)

    async def _run(self, who: Identity) -> None:
        queue = self._queues[who]
        try:
            async with self._slots:
                while queue and self.leading and not self._stopping:
                    received = queue[0]
                    if not await self._handle(received):
                        break  # stopping while the database is unavailable: the next start tries again
                    queue.popleft()
                    self._backlog -= 1
                    self._handled.append(received.seq)
                    if self._flusher is None:
                        self._flusher = asyncio.get_running_loop().create_task(
                            self._flush(), context=contextvars.Context()
                        )
        finally:
            del self._queues[who]
            if queue:  # stopping or on standby: left for the next start (or the leader), which reads them
                self._backlog -= len(queue)
                self._known.difference_update(r.seq for r in queue)

    async def _handle(self, received: Received) -> bool:
        """Hand one message to the core; False if it is left for the next start."""
        wait = RETRY_FIRST
        while True:
            try:
                await self.handle(received.message)
                return True
            except StorageUnavailable:
                if self._stopping or not self.leading:
                    return False
                log.warning("the database could not take message %s: trying again", received.message.event_id)
                await asyncio.sleep(wait)
                wait = min(wait * 2, RETRY_MOST)
            except Exception:
                # The core answers what fails inside a command; what escapes it is a defect, not retried.
                log.exception("message %s could not be handled", received.message.event_id)
                return True

    async def _flush(self) -> None:
        """Mark handled messages in one unit of work per batch, while more are being handled. A mark lost
        to a crash costs nothing (the inbox makes the message count once), so marks wait to share one."""
        try:
            wait = RETRY_FIRST
            await asyncio.sleep(MARK_AFTER)
            while self._handled:
                try:
                    await self._mark_handled()
                    wait = RETRY_FIRST
                except StorageUnavailable:
                    log.warning("handled messages could not be marked yet: trying again")
                    await asyncio.sleep(wait)
                    wait = min(wait * 2, RETRY_MOST)
        finally:
            self._flusher = None
            if not self._handled and self._backlog == 0:
                self._idle.set()

    async def _mark_handled(self) -> None:
        seqs, self._handled = self._handled, []
        try:
            async with self.transactions.transaction():
                await self.repository.handled(seqs)
        except BaseException:
            self._handled[:0] = seqs
            raise
        self._known.difference_update(seqs)
        self._marked.update(seqs)
