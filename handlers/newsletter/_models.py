"""What the newsletter keeps: issues (each in every language), moderators' picks and guest posts, and the
editorial calendar's announcements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class IssueState(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"
    """Too quiet a week: nothing went out, moderators were told."""


@dataclass(frozen=True)
class Compiled:
    """An issue as compiled, before it is stored: its text and summary line in each language."""

    since: datetime
    until: datetime
    texts: Mapping[str, str]
    summaries: Mapping[str, str]
    """What a WhatsApp template carries outside the 24-hour window (a line, `send NEWS to read it`)."""
    items: int


@dataclass(frozen=True)
class Issue:
    id: int
    number: int | None
    """1, 2, 3... for sent issues; None for a skipped week."""
    state: IssueState
    since: datetime
    until: datetime
    texts: Mapping[str, str]
    summaries: Mapping[str, str]
    items: int
    created_at: datetime


class PickKind(StrEnum):
    ADDED = "added"
    """A moderator's addition (NEWSLETTER ADD)."""
    GUEST = "guest"
    """A member's guest post (NEWSLETTER SUBMIT), in once a moderator approves it."""


class PickState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"


@dataclass(frozen=True)
class Pick:
    id: int
    kind: PickKind
    text: str
    author: str
    """The author's handle."""
    state: PickState
    created_at: datetime


class AnnouncementState(StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class AnnouncementDraft:
    text: str
    at: datetime
    """Its (first) time."""
    cron: str | None
    """Recurring: when it comes again (a crontab expression in the community's zone)."""
    whatsapp: bool
    channel: str


@dataclass(frozen=True)
class Announcement(AnnouncementDraft):
    id: int = 0
    state: AnnouncementState = AnnouncementState.SCHEDULED
    next_at: datetime | None = None
    """When it is next posted; None once it is done or cancelled."""
    times: int = 0
    """How often it was posted."""
