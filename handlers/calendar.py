"""The SessionCalendar port: what the web server reads to serve a founder session as an iCalendar file.

The sessions feature provides it (`CALENDAR`); the composition root hands it to the web server, which
builds the `.ics` file (the iCalendar library is the adapter's, not the core's). The EventPublisher is the
other way round: a platform that has calendar events of its own (Discord) is handed each session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers.key import Key


@dataclass(frozen=True)
class CalendarEntry:
    id: int
    uid: str
    """The same for every version of the session: a calendar replaces the event it imported."""
    title: str
    start: datetime
    end: datetime
    place: str
    """A link or a place."""
    cancelled: bool
    sequence: int
    """Raised by every change, so calendars that imported it take the new version."""
    stamp: datetime
    """When this version was made."""
    community: str
    """The community's name (the calendar's)."""


class SessionCalendar(Protocol):
    async def entry(self, session_id: int, key: str) -> CalendarEntry | None:
        """The session as a calendar event; None when there is no such session or `key` is not its
        calendar key (the address is not guessable from the session's number)."""
        ...


class EventPublisher(Protocol):
    """Mirrors a session as a platform's own calendar event (a Discord scheduled event): made the first
    time, edited after a move, cancelled with the session. Platforms without events have none."""

    async def publish(self, entry: CalendarEntry) -> None: ...


CALENDAR: Key[SessionCalendar] = Key("session_calendar")
