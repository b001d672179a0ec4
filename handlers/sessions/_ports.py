"""What the sessions feature keeps: sessions, one RSVP per member (a place or a waitlist place, in the order
they came), and who attended."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from handlers.key import Key
from handlers.sessions._models import Freed, Rsvp, Session, SessionDraft, Taken


class SessionRepository(Protocol):
    async def create(self, draft: SessionDraft, created_by: int | None, now: datetime) -> Session: ...
    async def session(self, session_id: int) -> Session | None: ...
    async def upcoming(self, now: datetime) -> list[Session]:
        """Scheduled sessions that have not ended, soonest first."""
        ...

    async def running(self, now: datetime, early: timedelta) -> list[Session]:
        """Scheduled sessions from `early` before their start to their end (the code word counts)."""
        ...

    async def states(self, session_ids: Sequence[int], member_id: int) -> dict[int, tuple[Rsvp, int]]:
        """The member's RSVP to each of these (cancelled ones left out), with their waitlist position."""
        ...

    async def rsvp(self, session_id: int, member_id: int, now: datetime) -> Taken:
        """A place when one is free and nobody waits, else the end of the waitlist (decided in the
        database, at once). Refused by the database when the session takes no RSVPs."""
        ...

    async def cancel(self, session_id: int, member_id: int, now: datetime) -> Freed:
        """Give the place (or waitlist place) up; a freed place goes to the first waiting, in the same
        transaction."""
        ...

    async def attendees(self, session_id: int) -> list[int]:
        """Members with a place, in the order they came."""
        ...

    async def waitlist(self, session_id: int) -> list[int]:
        """Members waiting, first first."""
        ...

    async def move(self, session_id: int, start: datetime, now: datetime) -> Session | None:
        """A new start (and revision); None when it is not scheduled any more."""
        ...

    async def set_cancelled(self, session_id: int, now: datetime) -> bool:
        """False when it was cancelled already."""
        ...

    async def attend(self, session_id: int, member_id: int, marked_by: int | None, now: datetime) -> bool:
        """Record that the member came; False when it was recorded already."""
        ...

    async def attended(self, session_id: int) -> list[int]: ...


SESSIONS: Key[SessionRepository] = Key("sessions")
