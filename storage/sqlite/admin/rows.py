"""What the dashboard's pages show, as storage reads it: one frozen dataclass per kind of row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

PAGE = 50
"""Rows per page of every list."""


@dataclass(frozen=True)
class MemberRow:
    id: int
    handle: str
    display_name: str
    status: str
    joined_at: datetime
    left_at: datetime | None
    balance: int
    earned: int
    segment: str | None
    """The engagement segment the daily roll-up gave them (None before the first roll-up)."""


@dataclass(frozen=True)
class IdentityRow:
    identity: str
    created_at: datetime
    last_seen_at: datetime


@dataclass(frozen=True)
class MemberDetail:
    member: MemberRow
    identities: tuple[IdentityRow, ...]
    language: str | None
    timezone: str | None
    segment_since: date | None
    rank: int | None
    """Place on the all-time board by points earned (1 = most); None when not listed."""


@dataclass(frozen=True)
class LedgerFilter:
    member_id: int | None = None
    kind: str | None = None
    since: datetime | None = None
    """From this moment (UTC) on, included."""
    until: datetime | None = None
    """Up to this moment (UTC), excluded."""


@dataclass(frozen=True)
class LedgerCursor:
    """Where the next page starts: after the entry with this time and id (newest first)."""

    created_at: datetime
    id: int


@dataclass(frozen=True)
class LedgerRow:
    id: int
    member_id: int
    handle: str
    delta: int
    kind: str
    reason: str
    actor_identity: str | None
    source: str
    created_at: datetime
    reverses: int | None


@dataclass(frozen=True)
class LedgerPage:
    rows: tuple[LedgerRow, ...]
    next: LedgerCursor | None
    """None on the last page."""


@dataclass(frozen=True)
class MemberCounts:
    """Members by status now (counted live, for a community with no rolled-up day yet)."""

    pending: int
    member: int
    left: int


@dataclass(frozen=True)
class PollRow:
    id: int
    question: str
    state: str
    anonymous: bool
    voters: int
    deadline: datetime
    closed_at: datetime | None
    created_at: datetime
    options: tuple[tuple[str, int], ...] = field(default=())
    """(label, votes) in option order."""


@dataclass(frozen=True)
class UnlockRow:
    id: int
    title: str
    goal: int
    pledges: int
    state: str
    deadline: datetime
    reward: str
    created_at: datetime


@dataclass(frozen=True)
class IdeaRow:
    id: int
    author: str
    text: str
    status: str
    note: str | None
    backers: int
    created_at: datetime
    changed_at: datetime | None


@dataclass(frozen=True)
class ChallengeRow:
    id: int
    title: str
    description: str
    state: str
    starts_at: datetime
    ends_at: datetime
    points: int
    review: str
    pending: int
    """Submissions waiting for review."""


@dataclass(frozen=True)
class MediaRow:
    key: str
    """The media store's file name (its SHA-256 and extension)."""
    content_type: str
    size: int


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    author: str
    text: str
    state: str
    reason: str | None
    created_at: datetime
    media: tuple[MediaRow, ...]


@dataclass(frozen=True)
class SessionRow:
    id: int
    title: str
    start: datetime
    length_minutes: int
    place: str
    capacity: int
    going: int
    waiting: int
    state: str
    points: int


@dataclass(frozen=True)
class RsvpRow:
    handle: str
    state: str
    seq: int
    changed_at: datetime
    attended: bool


@dataclass(frozen=True)
class IssueRow:
    id: int
    number: int | None
    state: str
    since: datetime
    until: datetime
    items: int
    created_at: datetime


@dataclass(frozen=True)
class IssueText:
    issue: IssueRow
    texts: dict[str, str]
    """The issue in each language it was written in."""


@dataclass(frozen=True)
class StateCounts:
    """How many messages are in each state: the ones in flight counted whole (their partial indexes), the
    settled ones among the latest `window` rows (a table of millions is never counted whole per page)."""

    in_flight: dict[str, int]
    recent: dict[str, int]
    window: int


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    kind: str
    to: str
    """A member's handle, an identity or `#channel`."""
    platform: str | None
    state: str
    note: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class WhatsAppRow:
    id: int
    recipient: str
    kind: str
    mode: str
    state: str
    error_code: str | None
    attempts: int
    created_at: datetime
    updated_at: datetime
