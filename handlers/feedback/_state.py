"""The feedback feature's state: its repository, the ledger it credits and the moderators' channel."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.feature import Setup
from handlers.feedback._errors import BadIdeaNumber, NoSuchIdea
from handlers.feedback._models import Idea, IdeaStatus
from handlers.feedback._ports import IDEAS, IdeaRepository
from handlers.feedback._settings import FeedbackConfig
from handlers.keys import find_numbered
from handlers.ledger import LEDGER, Ledger


@dataclass(frozen=True)
class Feedback:
    repo: IdeaRepository
    ledger: Ledger
    settings: FeedbackConfig
    triage_channel: str

    async def find(self, given: str) -> Idea:
        return await find_numbered(given, self.repo.idea, BadIdeaNumber, NoSuchIdea)

    def points_for(self, status: IdeaStatus) -> int:
        """What the author earns when their idea reaches this status (once per idea and status)."""
        if status is IdeaStatus.PLANNED:
            return self.settings.planned_points
        if status is IdeaStatus.SHIPPED:
            return self.settings.shipped_points
        return 0


def build(setup: Setup) -> Feedback:
    settings = setup.section(FeedbackConfig)
    return Feedback(
        setup.repository(IDEAS),
        setup.need(LEDGER),
        settings,
        settings.channel or setup.config.channels.moderators,
    )
