"""The circles feature's state: its repository and settings, the ports it asks (consent, the points' chat
path), the bridged channels it keeps in memory, and each sender's recent messages (the rate limit)."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from handlers.audience import CONSENT, Consent
from handlers.circles._models import Circle
from handlers.circles._ports import CIRCLES, CirclesRepository
from handlers.circles._settings import CircleEntry, CircleSettings
from handlers.delivery import Outgoing
from handlers.dispatch import Dispatcher
from handlers.feature import Send, Setup
from handlers.i18n import Catalogs, Translator
from handlers.ledger import CHAT_POINTS, ChatPoints
from handlers.platforms import Platforms
from handlers.ports import JobRepository
from handlers.services import Services

log = logging.getLogger(__name__)

NOTICE_JOB = "circle_notice"
"""Tells a member outside WhatsApp's window how many messages wait for them in a circle (once a period)."""


@dataclass
class Circles:
    repo: CirclesRepository
    settings: CircleSettings
    entries: list[CircleEntry]
    consent: Consent
    chat_points: ChatPoints
    services: Services
    texts: Catalogs
    dispatcher: Dispatcher
    platforms: Platforms
    jobs: JobRepository
    send: Send
    bridged: dict[str, Circle] = field(default_factory=dict)
    """Circles by the key of their bridged channel: every channel message is checked against it."""
    recent: dict[int, deque[datetime]] = field(default_factory=dict)
    """When each member's latest circle messages were sent (in memory: a restart forgives a flood)."""
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def notice_period(self) -> timedelta:
        return timedelta(hours=self.settings.notice_hours)

    @property
    def notice_delay(self) -> timedelta:
        return timedelta(minutes=self.settings.notice_delay_minutes)

    @property
    def t_community(self) -> Translator:
        return self.texts.translator(self.services.config.community.language)

    def translator(self, language: str | None) -> Translator:
        return self.texts.translator(language or self.services.config.community.language)

    def admit(self, member_id: int, now: datetime) -> bool:
        """One more message from this member, unless they sent `rate_limit` in the last `rate_seconds`."""
        times = self.recent.setdefault(member_id, deque())
        since = now - timedelta(seconds=self.settings.rate_seconds)
        while times and times[0] <= since:
            times.popleft()
        if len(times) >= self.settings.rate_limit:
            return False
        times.append(now)
        return True

    def follow(self, circles: Sequence[Circle]) -> None:
        """The bridged channels as the database has them now (after a commit that changed them)."""
        self.bridged = {c.channel: c for c in circles if c.channel is not None}

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("circle work after a commit failed", exc_info=task.exception())

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def tell(self, messages: Sequence[Outgoing]) -> None:
        if messages:
            await self.send(messages)


def build(setup: Setup) -> Circles:
    return Circles(
        setup.repository(CIRCLES),
        setup.section(CircleSettings),
        setup.entries(CircleEntry),
        setup.need(CONSENT),
        setup.need(CHAT_POINTS),
        setup.services,
        setup.texts,
        setup.dispatcher,
        setup.platforms,
        setup.services.jobs,
        setup.send,
    )


async def start(circles: Circles) -> None:
    """The community file's circles made or updated; the bridged channels read into memory."""
    async with circles.services.transactions.transaction():
        await circles.repo.sync(circles.entries, circles.services.clock.now())
    circles.follow(await circles.repo.circles())


async def drain(circles: Circles) -> None:
    await circles.drain()
