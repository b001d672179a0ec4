"""The health feature's state: its repository, the activity counter, the settings and the roll-up's task."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from handlers.audience import CONSENT, Consent
from handlers.delivery import OutboxRepository
from handlers.dispatch import Dispatcher
from handlers.feature import Setup
from handlers.health._counter import ActivityCounter
from handlers.health._ports import HEALTH, HealthRepository
from handlers.health._settings import HealthConfig
from handlers.i18n import Catalogs
from handlers.ports import Clock, JobRepository, MemberRepository, Transactions
from handlers.recurrence import Recurrence

log = logging.getLogger(__name__)


@dataclass
class Health:
    repo: HealthRepository
    counter: ActivityCounter
    settings: HealthConfig
    members: MemberRepository
    jobs: JobRepository
    transactions: Transactions
    recurrence: Recurrence | None
    clock: Clock
    tz: ZoneInfo
    texts: Catalogs
    language: str
    channel: str
    outbox: OutboxRepository
    dispatcher: Dispatcher
    consent: Consent
    """Who may be nudged: a member who sent STOP gets no win-back (nor is one counted as sent)."""
    rolling: asyncio.Task[int] | None = field(default=None)
    """The roll-up running in the background (STATS waits for it: its figures come next)."""


def build(setup: Setup) -> Health:
    config = setup.config
    settings = setup.section(HealthConfig)
    services = setup.services
    repo = setup.repository(HEALTH)
    return Health(
        repo=repo,
        counter=ActivityCounter(repo, services.members, services.clock, config.community.tz),
        settings=settings,
        members=services.members,
        jobs=services.jobs,
        transactions=services.transactions,
        recurrence=setup.recurrence,
        clock=services.clock,
        tz=config.community.tz,
        texts=setup.texts,
        language=config.community.language,
        channel=settings.channel or config.channels.moderators,
        outbox=services.outbox,
        dispatcher=setup.dispatcher,
        consent=setup.need(CONSENT),
    )
