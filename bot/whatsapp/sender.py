"""The outbox worker: sends pending rows through Twilio at the sender's rate, retrying what may be retried.

Each part is marked `sending` (committed) before the API call and `sent` with Twilio's SID after it, so a
crash in between leaves a row that the next start turns `unknown` instead of sending it a second time.
A row's parts are its text's, then one per file its delivery carries (`outbound.parts_of`): each file goes
as a link to the media store, signed when the part is sent, so a row sent after a restart gets a fresh one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.media_links import MediaLinks
from bot.whatsapp.outbound import WhatsAppMessenger, media_count, parts_of, split_text
from bot.whatsapp.twilio_client import SendError, Sent
from handlers.ports import Clock
from storage.sqlite.outbox import OutboxRow, SqliteOutbox

log = logging.getLogger(__name__)

BATCH = 200
RECORD_RETRIES = (0.05, 0.2, 1.0)
"""Seconds between tries to record a part Twilio took."""
IDLE_POLL = 30.0
"""Seconds between looks at the outbox when nothing wakes the worker (retries wake it on time anyway)."""
STOP_GRACE = 20.0


class MessageApi(Protocol):
    async def recent(self, to: str, from_: str) -> list[Sent]:
        """The newest messages Twilio has from `from_` to `to`."""
        ...

    async def send(
        self,
        to: str,
        from_: str,
        *,
        body: str | None = None,
        content_sid: str | None = None,
        content_variables: str | None = None,
        status_callback: str | None = None,
        media_url: str | None = None,
    ) -> Sent: ...


class RateLimiter:
    """At most `per_second` calls a second, evenly spaced (Twilio queues bursts, then refuses them)."""

    def __init__(
        self,
        per_second: float,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._monotonic()
            if self._next > now:
                await self._sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: timedelta = timedelta(seconds=2)
    max_delay: timedelta = timedelta(minutes=10)

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff after the `attempts`-th failed try: 2 s, 4 s, 8 s... up to 10 min."""
        return min(self.first_delay * 2 ** (attempts - 1), self.max_delay)


class OutboxWorker:
    def __init__(
        self,
        outbox: SqliteOutbox,
        api: MessageApi,
        messenger: WhatsAppMessenger,
        clock: Clock,
        limiter: RateLimiter,
        policy: RetryPolicy,
        status_callback: str | None,
        concurrency: int = 4,
        links: MediaLinks | None = None,
    ) -> None:
        self.links = links
        """Signs the links Twilio fetches a row's files from."""
        self.outbox = outbox
        self.api = api
        self.messenger = messenger
        self.clock = clock
        self.limiter = limiter
        self.policy = policy
        self.status_callback = status_callback
        self._concurrency = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    # -- life cycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        await self._reconcile()
        interrupted = await self.outbox.interrupted(self.clock.now())
        if interrupted:
            log.warning(
                "%d outbox row(s) were interrupted while sending: marked unknown, not resent", interrupted
            )
        self._stopping = False
        self._task = asyncio.create_task(self._loop(), name="whatsapp-outbox")

    async def _reconcile(self) -> None:
        """Rows a crash left `sending`: ask Twilio whether it took the part. If it did, the part is recorded
        with its SID and the rest of the message goes on; if Twilio has no such message it never arrived, and
        it is sent again. Only what cannot be told apart (a template, Twilio not answering) ends `unknown`."""
        for row in await self.outbox.sending():
            if row.mode != "text":
                continue  # Twilio lists a template by its rendered text: it cannot be matched; unknown
            to = f"whatsapp:{row.recipient.user_id}"
            try:
                taken = await self.api.recent(to, row.sender)
                recorded = await self.outbox.recorded_sids(row.recipient)
            except Exception:
                log.exception("outbox row %s: could not ask Twilio what it took; it ends unknown", row.id)
                continue
            parts = await self._parts(row)
            if row.parts_sent >= len(parts):
                continue  # nothing to match it with: it ends unknown
            body, key = parts[row.parts_sent]
            if key is None:
                match = next((m for m in taken if m.body == body and m.sid not in recorded), None)
            else:  # a file goes alone: Twilio lists it without a body
                match = next((m for m in taken if m.media and not m.body and m.sid not in recorded), None)
            now = self.clock.now()
            if match is not None:
                await self.outbox.part_sent(row.id, row.parts_sent + 1, match.sid, match.status, now)
                log.info(
                    "outbox row %s: Twilio had taken part %d as %s", row.id, row.parts_sent + 1, match.sid
                )
            else:
                why = "interrupted by a restart before Twilio took it: sent again"
                await self.outbox.retry_later(row.id, "interrupted", why, now, now)
                log.info(
                    "outbox row %s: Twilio never took part %d; it is sent again", row.id, row.parts_sent + 1
                )

    def wake(self) -> None:
        self._wake.set()

    async def stop(self) -> None:
        """Let sends in flight finish and be recorded; what is still pending is sent after the next start."""
        self._stopping = True
        self._wake.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), STOP_GRACE)
        except TimeoutError:
            log.warning("outbox worker did not stop in %.0f s: cancelled", STOP_GRACE)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                if await self.run_once() >= BATCH:
                    continue
                next_at = await self.outbox.next_due_at()
            except Exception:  # the worker never dies of one bad row or a database hiccup
                log.exception("outbox worker failed; trying again shortly")
                next_at = None
            wait = IDLE_POLL
            if next_at is not None:
                wait = min(max((next_at - self.clock.now()).total_seconds(), 0.01), IDLE_POLL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    # -- sending ------------------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Send every row due now (one person's rows in order, different people in parallel)."""
        rows = await self.outbox.due(self.clock.now(), BATCH)
        queues: dict[str, list[OutboxRow]] = {}
        for row in rows:
            queues.setdefault(str(row.recipient), []).append(row)
        await asyncio.gather(*(self._send_queue(queue) for queue in queues.values()))
        return len(rows)

    async def _send_queue(self, queue: list[OutboxRow]) -> None:
        async with self._concurrency:
            for row in queue:
                if self._stopping:
                    return
                try:
                    if not await self._send_row(row):
                        return  # later messages to this person wait for this one
                except Exception:  # the database could not mark it: the row stays as it is, the rest go on
                    log.exception("outbox row %s could not be sent or marked", row.id)

    async def _parts(self, row: OutboxRow) -> list[tuple[str | None, str | None]]:
        """(body, media key) of each part of the row."""
        if row.mode != "text":
            return [(None, None)]
        texts = split_text(row.body)
        if row.body.strip() and row.parts_total <= len(texts):  # no files: most rows, on every send
            return [(text, None) for text in texts]
        files: tuple[str, ...] = ()
        wanted = media_count(row)
        if wanted:
            reply = await self.outbox.reply(row.id)
            files = () if reply is None else reply.files[:wanted]
        if len(files) < wanted:  # none after all (an empty text): the row is its text
            return [(text, None) for text in texts]
        return parts_of(row.body, files)

    async def _send_row(self, row: OutboxRow) -> bool:
        """Send the row's remaining parts; False when it has to wait for a retry."""
        parts = await self._parts(row)
        if len(parts) < row.parts_total:  # its delivery lost files it had: never send part of it
            why = SendError("media", "its files are no longer with its message", retryable=False)
            return await self._failed(row, row.parts_sent, why)
        recorded = True
        for index in range(row.parts_sent, row.parts_total):
            body, key = parts[index]
            if key is not None and self.links is None:
                why = SendError("media", "no public URL to send its files from", retryable=False)
                return await self._failed(row, index, why)
            media_url = None if key is None or self.links is None else self.links.url(key)
            await self.limiter.wait()
            fence = index if recorded else None  # a part whose record failed left the row ours, `sending`
            if not await self.outbox.begin_part(row.id, self.clock.now(), sent_before=fence):
                log.warning("outbox row %s: another sender took part %d; not sent here", row.id, index + 1)
                return True
            try:
                sent = await self.api.send(
                    f"whatsapp:{row.recipient.user_id}",
                    row.sender,
                    body=body,
                    content_sid=row.content_sid,
                    content_variables=row.content_variables,
                    status_callback=self.status_callback,
                    media_url=media_url,
                )
            except SendError as error:
                return await self._failed(row, index, error)
            except Exception as error:  # a bug, not Twilio: never leave the row `sending`
                log.exception("outbox row %s: unexpected error while sending", row.id)
                return await self._failed(row, index, SendError("client", repr(error), retryable=False))
            # One line per part sent: DEBUG (INFO carries events, not traffic; a failed send is a WARNING).
            log.debug("outbox row %s part %d/%d sent as %s", row.id, index + 1, row.parts_total, sent.sid)
            recorded = await self._record(row, index + 1, sent)
        return True

    async def _record(self, row: OutboxRow, part: int, sent: Sent) -> bool:
        """Twilio took the part: record it, trying again if the database is busy or failing for a moment.
        A part that cannot be recorded at all is logged with its SID; the rest of the message still goes
        (the next part's record counts it, by number), and if none can be recorded the row stays `sending`
        and the next start ends it `unknown`: it is never sent twice."""
        for pause in (*RECORD_RETRIES, None):
            try:
                await self.outbox.part_sent(row.id, part, sent.sid, sent.status, self.clock.now())
                return True
            except Exception:
                if pause is None:
                    log.critical("outbox row %s: Twilio took part %d as %s, but it could not be recorded",
                                 row.id, part, sent.sid)  # fmt: skip
                    return False
                log.warning("outbox row %s: could not record part %d yet; trying again", row.id, part)
                await asyncio.sleep(pause)
        return False  # not reached: the last pause is None

    async def _failed(self, row: OutboxRow, index: int, error: SendError) -> bool:
        now = self.clock.now()
        attempts = row.attempts + 1
        message = error.message[:300]
        if error.uncertain:
            note = f"part {index + 1}: {message}; not resent (a duplicate is worse than a gap)"
            await self.outbox.finish(row.id, "unknown", error.code, note, now)
            log.warning("outbox row %s may or may not have been delivered: %s", row.id, message)
            return True
        if error.outside_window and row.mode == "text":
            await self.outbox.finish(
                row.id, "failed", error.code, f"outside the 24-hour window (part {index + 1}): {message}", now
            )
            await self.messenger.fall_back_to_template(row, "outside the 24-hour window")
            return True
        if error.retryable and attempts < self.policy.max_attempts:
            at = now + self.policy.delay(attempts)
            await self.outbox.retry_later(
                row.id, error.code, f"try {attempts} failed, retrying: {message}", at, now
            )
            log.warning("outbox row %s: %s; retry %d at %s", row.id, error.code, attempts + 1, at.isoformat())
            return False
        why = f"gave up after {attempts} tries: {message}" if error.retryable else message
        await self.outbox.finish(row.id, "failed", error.code, why, now)
        log.warning("outbox row %s failed: %s %s", row.id, error.code, why)
        return True
