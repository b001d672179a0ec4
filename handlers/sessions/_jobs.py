"""The session's jobs. A reminder (CatchUp.SKIP: one that fell due too long ago is recorded missed, not
sent) goes to every member with a place, on their own platform, in their language and time zone, plus a
post in the session's channel. Whatever woke it, it never reminds after the start, never for a time the
session was moved from (the job is of another revision), and never anyone who cancelled or only waits.
Each job is keyed by the session's revision and its time, so it exists once and runs once."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from handlers.context import Context
from handlers.delivery import MessageKind
from handlers.i18n import Translator
from handlers.models import Reply
from handlers.sessions import _render as render
from handlers.sessions._models import Session, SessionState
from handlers.sessions._state import Sessions

log = logging.getLogger(__name__)

REMINDER_GRACE = timedelta(minutes=30)
"""A reminder up to this late is still sent (a short restart); later, it is missed."""


async def _current(sessions: Sessions, payload: dict[str, Any]) -> Session | None:
    """The job's session, if the job is still of its current revision and it is not cancelled."""
    session = await sessions.repo.session(int(payload["session"]))
    if session is None or session.state is SessionState.CANCELLED:
        return None
    return session if session.revision == int(payload["revision"]) else None


async def remind(ctx: Context, sessions: Sessions, payload: dict[str, Any]) -> None:
    session = await _current(sessions, payload)
    if session is None:
        return
    if ctx.now >= session.start:
        log.info("reminder for session %s not sent: it has started", session.id)
        return
    left = session.start - ctx.now  # late by a few minutes after a restart: said as it is
    url = sessions.url(session)
    await sessions.tell(
        ctx,
        await sessions.repo.attendees(session.id),
        lambda t, zone: render.reminder(t, session, zone, left, url),
    )
    text = render.reminder_post(ctx.t_community, session, sessions.tz, left, url)
    ctx.post(session.channel, Reply(text), MessageKind.REMINDER)


async def begin(ctx: Context, sessions: Sessions, payload: dict[str, Any]) -> None:
    """At the start: the post loses its RSVP button."""
    session = await _current(sessions, payload)
    if session is not None:
        ctx.on_commit(sessions.refresh, session.id)


async def describe_reminder(sessions: Sessions, t: Translator, payload: dict[str, Any]) -> str | None:
    session = await _current(sessions, payload)
    if session is None:
        return None
    before = render.length(t, timedelta(seconds=int(payload["before"])))
    return t("sessions.job_reminder", number=str(session.id), title=session.title, left=before)
