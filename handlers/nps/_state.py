"""The NPS feature's state: its repository and settings, the ports it asks (consent, referrals), and the
start-up planning of the next survey."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.audience import CONSENT, Consent
from handlers.feature import Setup
from handlers.nps._models import Invite
from handlers.nps._ports import NPS, NpsRepository
from handlers.nps._settings import NpsConfig
from handlers.ports import Clock, JobRepository, Transactions
from handlers.recurrence import Recurrence
from handlers.referrals import REFERRALS, Referrals
from handlers.registry import Registry
from handlers.timers import plan_recurring

log = logging.getLogger(__name__)

START_JOB = "nps_survey"
"""A survey starts (recurring: only the latest missed occurrence runs)."""
ASK_JOB = "nps_ask"
"""One day's share of a survey's questions, a page of members at a time (run late after downtime)."""


def series(cron: str) -> str:
    """Named with its cron: when the community file changes the schedule, the old series ends."""
    return f"nps:{cron}"


@dataclass(frozen=True)
class Nps:
    repo: NpsRepository
    settings: NpsConfig
    consent: Consent
    referrals: Referrals
    jobs: JobRepository
    recurrence: Recurrence | None
    clock: Clock
    transactions: Transactions
    tz: ZoneInfo
    channel: str
    """Where detractors' follow-ups (and a survey's start) are posted for the moderators."""
    community: str
    """The community's name, as the question says it."""
    commands: Registry
    """Every command: a reply that looks like one is not taken for a reason."""

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.settings.answer_days)

    def closes(self, invite: Invite) -> datetime:
        """Until when the member may answer (they were asked, so `asked_at` is set)."""
        assert invite.asked_at is not None
        return invite.asked_at + self.window

    def next_start(self, now: datetime) -> datetime | None:
        if not self.settings.enabled or self.recurrence is None:
            return None
        return self.recurrence.next_after(self.settings.cron, self.tz, now)


async def plan(nps: Nps) -> None:
    """At start: the next survey's job (kept once however often the bot starts); a wrong cron stops the
    start with its key path."""
    recurrence = nps.recurrence
    if recurrence is None:
        log.warning("no scheduler runs recurring work: NPS surveys are not planned")
        return
    problem = recurrence.problem(nps.settings.cron)
    if problem is not None:
        raise ValueError(f"nps.cron: {problem}")
    if not nps.settings.enabled:
        return
    async with nps.transactions.transaction():
        cron = nps.settings.cron
        now = nps.clock.now()
        fire = await plan_recurring(nps.jobs, recurrence, START_JOB, series(cron), cron, nps.tz, now)
    log.info("next NPS survey at %s", fire)


def build(setup: Setup) -> Nps:
    config = setup.config
    settings = setup.section(NpsConfig)
    services = setup.services
    return Nps(
        repo=setup.repository(NPS),
        settings=settings,
        consent=setup.need(CONSENT),
        referrals=setup.need(REFERRALS),
        jobs=services.jobs,
        recurrence=setup.recurrence,
        clock=services.clock,
        transactions=services.transactions,
        tz=config.community.tz,
        channel=settings.channel or config.channels.moderators,
        community=config.community.name,
        commands=setup.commands,
    )
