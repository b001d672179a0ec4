"""The newsletter's state: its repository, its broadcaster, every feature's digest source and its settings."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from handlers.broadcast import BROADCASTS, Broadcaster
from handlers.digest import DigestSource
from handlers.feature import Setup
from handlers.i18n import Catalogs
from handlers.newsletter._ports import NEWSLETTER, NewsletterRepository
from handlers.newsletter._settings import AnnouncementsConfig, NewsletterConfig
from handlers.ports import Clock, JobRepository, Transactions
from handlers.recurrence import Recurrence
from handlers.timers import plan_recurring

log = logging.getLogger(__name__)

ISSUE_JOB = "newsletter_issue"
"""The weekly issue (recurring: only the latest missed occurrence runs)."""
PAGE_JOB = "newsletter_page"
"""A page of an issue's or an announcement's WhatsApp broadcast."""
ANNOUNCE_JOB = "announcement"
"""A one-off announcement (run once, late if need be)."""
RECURRING_JOB = "announcement_recurring"
"""A recurring announcement (only the latest missed occurrence runs)."""


def series(cron: str) -> str:
    """Named with its cron: when the community file changes the schedule, the old series ends."""
    return f"newsletter:{cron}"


WHATSAPP = "whatsapp"
MAX_TEXT = 1500


@dataclass(frozen=True)
class Newsletter:
    repo: NewsletterRepository
    settings: NewsletterConfig
    calendar: AnnouncementsConfig
    broadcaster: Broadcaster
    sources: Sequence[DigestSource]
    """Every feature's section, this one's own (the picks) among them."""
    jobs: JobRepository
    recurrence: Recurrence | None
    clock: Clock
    transactions: Transactions
    tz: ZoneInfo
    channel: str
    announce_channel: str
    moderators: str
    texts: Catalogs
    language: str
    name: str
    """The community's name (the issue's heading)."""


async def plan(newsletter: Newsletter) -> None:
    """At start: the next issue's job (kept once however often the bot starts); a wrong cron stops the start
    with its key path."""
    recurrence = newsletter.recurrence
    if recurrence is None:
        log.warning("no scheduler runs recurring work: the weekly newsletter is not planned")
        return
    problem = recurrence.problem(newsletter.settings.cron)
    if problem is not None:
        raise ValueError(f"newsletter.cron: {problem}")
    async with newsletter.transactions.transaction():
        fire = await plan_recurring(
            newsletter.jobs,
            recurrence,
            ISSUE_JOB,
            series(newsletter.settings.cron),
            newsletter.settings.cron,
            newsletter.tz,
            newsletter.clock.now(),
        )
    log.info("next newsletter at %s", fire)


def build(setup: Setup) -> Newsletter:
    config = setup.config
    settings = setup.section(NewsletterConfig)
    calendar = setup.section(AnnouncementsConfig)
    services = setup.services
    broadcaster = Broadcaster(
        setup.repository(BROADCASTS), services.jobs, PAGE_JOB, config.community.language
    )
    return Newsletter(
        repo=setup.repository(NEWSLETTER),
        settings=settings,
        calendar=calendar,
        broadcaster=broadcaster,
        sources=setup.digest,
        jobs=services.jobs,
        recurrence=setup.recurrence,
        clock=services.clock,
        transactions=services.transactions,
        tz=config.community.tz,
        channel=settings.channel or config.channels.announcements,
        announce_channel=calendar.channel or config.channels.announcements,
        moderators=config.channels.moderators,
        texts=setup.texts,
        language=config.community.language,
        name=config.community.name,
    )
