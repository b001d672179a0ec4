"""Value objects of the points feature."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from handlers.delivery import Outgoing
from handlers.ledger import Kind


class NewEntry(NamedTuple):
    """A ledger entry to append. `source` is unique: the same source never counts twice.

    A named tuple rather than a dataclass: chat builds one per message, and this is several times cheaper.
    """

    member_id: int
    delta: int
    kind: Kind
    reason: str
    source: str
    created_at: datetime
    month: str
    """`YYYY-MM` in the community's time zone (monthly leaderboards)."""
    actor_id: int | None = None
    reverses: int | None = None
    actor_identity: str | None = None
    """Who caused it, even when they are not a member (a moderator configured by identity)."""


class FollowUp(NamedTuple):
    """A message that acknowledges chat entries, written in their group commit only if every one of
    `sources` was new in it (a replayed message acknowledges nothing twice)."""

    message: Outgoing
    sources: tuple[str, ...]


@dataclass(frozen=True)
class LedgerEntry:
    id: int
    member_id: int
    delta: int
    kind: Kind
    reason: str
    source: str
    created_at: datetime
    actor_id: int | None
    actor_handle: str | None
    actor_identity: str | None
    reverses: int | None
    revoked_by: int | None


@dataclass(frozen=True)
class Standing:
    member_id: int
    balance: int
    earned: int


@dataclass(frozen=True)
class BoardRow:
    rank: int
    member_id: int
    handle: str
    points: int


@dataclass(frozen=True)
class DayState:
    """What a member did today (community time zone) that limits what they may still earn or give."""

    activity_points: int = 0
    last_activity_at: datetime | None = None
    kudos_given: int = 0
