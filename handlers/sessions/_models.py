"""What a founder session is: a time, a place, a number of places, and who comes or waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Rsvp(StrEnum):
    GOING = "going"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    """They said they come, then cancelled: kept, so a reminder never reaches them."""


@dataclass(frozen=True)
class SessionDraft:
    title: str
    start: datetime
    length: timedelta
    place: str
    """A link or a place, as the moderator wrote it."""
    capacity: int
    channel: str
    code: str
    """The word attendees send the bot while it runs (upper case)."""
    min_level: int | None = None
    min_points: int | None = None
    points: int = 0
    """Credits for attending, once."""
    announce: bool = False
    """Also sent to opted-in WhatsApp members when posted."""


@dataclass(frozen=True)
class Session(SessionDraft):
    id: int = 0
    state: SessionState = SessionState.SCHEDULED
    going: int = 0
    waiting: int = 0
    revision: int = 0
    """How often it was moved: its reminders are keyed by it, so a move never reuses an old one's key."""
    calendar_key: str = ""
    """Random, in its calendar file's address: the address cannot be guessed from the session's number."""

    @property
    def end(self) -> datetime:
        return self.start + self.length

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.going)

    def takes_rsvps(self, now: datetime) -> bool:
        return self.state is SessionState.SCHEDULED and now < self.start

    def running(self, now: datetime, early: timedelta) -> bool:
        """Attendance is taken from a little before the start to the end."""
        return self.state is SessionState.SCHEDULED and self.start - early <= now <= self.end


@dataclass(frozen=True)
class Taken:
    """What an RSVP came to: a place, or a place on the waitlist (1 = next)."""

    state: Rsvp
    position: int = 0
    new: bool = True
    """False: the member had already said so."""


@dataclass(frozen=True)
class Freed:
    """What a member's CANCEL came to."""

    was: Rsvp | None
    """Their state before; None when they had none."""
    promoted: int | None = None
    """The member who got the freed place."""
