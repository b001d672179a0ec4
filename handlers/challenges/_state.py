"""The challenges feature's state: its repository, the ledger it credits and where it posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.challenges._errors import BadNumber, NoSuchChallenge
from handlers.challenges._models import Challenge
from handlers.challenges._ports import CHALLENGES, ChallengeRepository
from handlers.challenges._settings import ChallengesConfig
from handlers.context import Context
from handlers.feature import Setup
from handlers.i18n import Translator
from handlers.keys import find_numbered
from handlers.ledger import LEDGER, Kind, Ledger
from handlers.ports import Clock, JobRepository, Transactions
from handlers.recurrence import Recurrence

RECUR_JOB = "challenge_recurring"
END_JOB = "challenge_end"
REMIND_JOB = "challenge_remind"
RECENT = timedelta(days=14)
"""CHALLENGES lists those that ended this recently too."""


@dataclass(frozen=True)
class Challenges:
    repo: ChallengeRepository
    ledger: Ledger
    settings: ChallengesConfig
    jobs: JobRepository
    tz: ZoneInfo
    default_channel: str
    moderators_channel: str
    recurrence: Recurrence | None
    clock: Clock
    transactions: Transactions

    async def find(self, given: str) -> Challenge:
        return await find_numbered(given, self.repo.challenge, BadNumber, NoSuchChallenge)

    def credits(self, t: Translator, points: int) -> str | None:
        return self.ledger.amount(t, points) if points else None

    async def schedule(self, ctx: Context, challenge: Challenge) -> None:
        """Its end, and the reminder to reviewers before it (when that is still to come); keyed, once each."""
        payload = {"challenge": challenge.id}
        await self.jobs.schedule(END_JOB, challenge.ends_at, payload, f"challenge:{challenge.id}:end")
        remind = challenge.ends_at - self.settings.reminder
        if challenge.review.value == "manual" and remind > ctx.now:
            await self.jobs.schedule(REMIND_JOB, remind, payload, f"challenge:{challenge.id}:remind")

    async def credit_submission(
        self, ctx: Context, challenge: Challenge, submission_id: int, member_id: int
    ) -> bool:
        """Points for an accepted submission, once (the source)."""
        if not challenge.points:
            return False
        source = f"challenge:{challenge.id}:submission:{submission_id}"
        reason = f"challenge #{challenge.id}"
        return (
            await self.ledger.credit(ctx, member_id, challenge.points, Kind.CHALLENGE, reason, source)
            is not None
        )


def build(setup: Setup) -> Challenges:
    config = setup.config
    settings = setup.section(ChallengesConfig)
    return Challenges(
        setup.repository(CHALLENGES),
        setup.need(LEDGER),
        settings,
        setup.services.jobs,
        config.community.tz,
        settings.channel or config.channels.announcements,
        config.channels.moderators,
        setup.recurrence,
        setup.services.clock,
        setup.services.transactions,
    )
