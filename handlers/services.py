"""Everything the core is given at start: configuration, clock, transactions and repositories."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar, cast

from handlers.delivery import DeliveryLog, OutboxRepository
from handlers.key import Key
from handlers.ports import (
    ChoiceRepository,
    Clock,
    InboxRepository,
    JobRepository,
    MemberRepository,
    SchedulerLease,
    Transactions,
)
from handlers.settings import CommunityConfig

T = TypeVar("T")


class Repositories:
    """The features' repositories by key, as storage built them for the features it was given."""

    def __init__(self, found: Mapping[str, object] | None = None) -> None:
        self._found = dict(found or {})

    def get(self, key: Key[T]) -> T:
        try:
            return cast(T, self._found[key.name])
        except KeyError:
            raise LookupError(f"storage has no {key.name!r} repository: is its feature installed?") from None

    def names(self) -> set[str]:
        return set(self._found)


@dataclass(frozen=True)
class Services:
    config: CommunityConfig
    clock: Clock
    transactions: Transactions
    members: MemberRepository
    choices: ChoiceRepository
    jobs: JobRepository
    inbox: InboxRepository
    outbox: OutboxRepository
    """Messages, written in the unit of work's transaction."""
    deliveries: DeliveryLog
    """What became of each message, committed on a connection of its own."""
    repositories: Repositories
    lease: SchedulerLease
    """Which process runs scheduled work against the database."""

    def repository(self, key: Key[T]) -> T:
        return self.repositories.get(key)
