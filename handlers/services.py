"""Everything the core is given at start: configuration, clock and repositories."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.ports import (
    ChoiceRepository,
    Clock,
    InboxRepository,
    JobRepository,
    MemberRepository,
    Transactions,
)
from handlers.settings import CommunityConfig


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    transactions: Transactions
    members: MemberRepository
    choices: ChoiceRepository
    jobs: JobRepository
    inbox: InboxRepository
