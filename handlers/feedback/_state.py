"""The feedback feature's state: its repository, the ledger it credits and the moderators' channel."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.feature import Setup
from handlers.feedback._errors import BadIdeaNumber, NoSuchIdea
from handlers.feedback._models import Idea
from handlers.feedback._ports import IDEAS, IdeaRepository
from handlers.feedback._settings import FeedbackConfig
from handlers.keys import find_numbered
from handlers.ledger import LEDGER, Ledger


@dataclass(frozen=True)
class Feedback:
    repo: IdeaRepository
    ledger: Ledger
    settings: FeedbackConfig
    moderators_channel: str

    async def find(self, given: str) -> Idea:
        return await find_numbered(given, self.repo.idea, BadIdeaNumber, NoSuchIdea)


def build(setup: Setup) -> Feedback:
    return Feedback(
        setup.repository(IDEAS),
        setup.need(LEDGER),
        setup.section(FeedbackConfig),
        setup.config.channels.moderators,
    )
