"""The newsletter's "upcoming sessions" section: the sessions still to come that take RSVPs."""

from __future__ import annotations

from handlers.deadlines import when
from handlers.digest import DigestSection, Place, Week
from handlers.i18n import Translator
from handlers.sessions import _render as render
from handlers.sessions._state import Sessions

MOST = 5


async def upcoming(sessions: Sessions, week: Week, t: Translator) -> DigestSection | None:
    coming = [s for s in await sessions.repo.upcoming(week.until) if s.takes_rsvps(week.until)][:MOST]
    if not coming:
        return None
    lines = tuple(
        t(
            "sessions.digest_line",
            number=str(s.id),
            title=s.title,
            when=when(t, s.start, week.tz),
            places=render.places(t, s),
        )
        for s in coming
    )
    return DigestSection(
        Place.SESSIONS,
        t("sessions.digest_title"),
        lines,
        t("sessions.digest_headline", count=len(coming)),
        items=len(coming),
    )
