"""`/sessions/<id>-<key>.ics`: a founder session as an iCalendar file (RFC 5545), for members to add to
their own calendar. The data comes through the sessions feature's SessionCalendar port; the file is built
here, with the `icalendar` library, so the core stays free of it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from icalendar import Calendar, Event
from icalendar.enums import STATUS

from handlers.calendar import CalendarEntry, SessionCalendar

log = logging.getLogger(__name__)

PRODUCT = "-//communitybot//founder sessions//EN"


def ics(entry: CalendarEntry) -> bytes:
    """One event, in UTC; a cancelled session stays in the file as CANCELLED (with a higher SEQUENCE), so
    a calendar that imported it takes it out rather than keeping the old time."""
    event = Event.new(
        uid=entry.uid,
        summary=entry.title,
        start=entry.start,
        end=entry.end,
        stamp=entry.stamp,
        location=entry.place,
        sequence=entry.sequence,
        status=STATUS.CANCELLED if entry.cancelled else STATUS.CONFIRMED,
    )
    if entry.place.startswith(("https://", "http://")):
        event.url = entry.place
    calendar = Calendar.new(
        prodid=PRODUCT, uid=f"calendar-{entry.uid}", name=entry.community, method="PUBLISH"
    )
    calendar.add_component(event)
    return calendar.to_ical()


def mount(app: web.Application, calendar: Callable[[], SessionCalendar]) -> None:
    """`calendar` gives the running core's (a configuration applied live builds the features again)."""

    async def session_file(request: web.Request) -> web.Response:
        entry = await calendar().entry(int(request.match_info["session"]), request.match_info["key"])
        if entry is None:
            raise web.HTTPNotFound()
        return web.Response(
            body=ics(entry),
            content_type="text/calendar",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="session-{entry.id}.ics"'},
        )

    app.router.add_get(r"/sessions/{session:[0-9]{1,12}}-{key:[0-9a-f]{24}}.ics", session_file)
