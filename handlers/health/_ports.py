"""What the health feature keeps: members' activity per day, the daily roll-up and engagement segments.

Activity is counted in memory on the chat path and written in batches (`record`); the roll-up of a closed
day reads that day's events once and stores one row, so STATS and the dashboard read rows, never the
ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from handlers.key import Key
from handlers.kpis import KpiDay, Segment


@dataclass(frozen=True)
class Activity:
    """What one member did on one local day, added to what was recorded before."""

    member_id: int
    day: date
    messages: int = 0
    actions: int = 0
    """Commands and clicks (a vote, an RSVP, a kudos...): participation that is not a channel message."""
    first_message_at: datetime | None = None
    """The earliest channel message among these (kept when the member had none before)."""
    new: bool = True
    """The member's first and last day or first message may change (the day's first write for them, or
    its first with a message): only then is their activity row written again."""


@dataclass(frozen=True)
class DayWindow:
    """A closed local day and the UTC bounds the roll-up reads: [start, end) for the day's events, and
    [cohort_start, cohort_end) for the members who joined in the week six weeks before it."""

    day: date
    start: datetime
    end: datetime
    cohort_start: datetime
    cohort_end: datetime
    inactive_days: int


@dataclass(frozen=True)
class MemberFacts:
    """What a member's segment is computed from, as of a day's end."""

    member_id: int
    joined_at: datetime
    last_active: date | None
    active_days_30: int
    """Days with activity among the 30 ending that day."""


@dataclass(frozen=True)
class SegmentMember:
    member_id: int
    handle: str
    segment: Segment
    since: date
    last_active: date | None


@dataclass(frozen=True)
class SegmentChange:
    member_id: int
    before: Segment | None
    after: Segment


class HealthRepository(Protocol):
    async def record(self, activity: Sequence[Activity]) -> None:
        """Add these counts in one transaction."""
        ...

    async def last_rolled_up(self) -> date | None: ...

    async def first_day(self) -> datetime | None:
        """When the community's first member joined (where a first roll-up starts)."""
        ...

    async def figures(self, window: DayWindow) -> KpiDay:
        """The day's flows and gauges, segment counts left at zero (`store` adds them)."""
        ...

    async def member_facts(self, window: DayWindow) -> list[MemberFacts]:
        """Every member (accepted, not left) at the end of the day, with their recent activity."""
        ...

    async def store(
        self, window: DayWindow, figures: KpiDay, segments: Mapping[int, Segment], now: datetime
    ) -> list[SegmentChange]:
        """In one transaction: each member's segment (changed ones get `since` = the day) and the day's row
        with its segment counts; again for the same day replaces the row. Returns the changes."""
        ...

    async def first_message_waits(self, start: datetime, end: datetime) -> list[float]:
        """Minutes from joining to a first message, of the newcomers whose first message came in [start,
        end) (an index range: a period's exact median, where the days only hold their own)."""
        ...

    async def days(self, since: date, until: date) -> list[KpiDay]:
        """Rolled-up days from `since` to `until`, both included, oldest first."""
        ...

    async def members_in(self, segment: Segment, limit: int, offset: int = 0) -> list[SegmentMember]:
        """Members now in the segment, the longest there first."""
        ...

    async def segment_of(self, member_id: int) -> SegmentMember | None: ...

    async def winback(self, member_id: int, now: datetime) -> bool:
        """Remember a win-back nudge; False when one was sent in the 30 days before."""
        ...


HEALTH: Key[HealthRepository] = Key("health")
