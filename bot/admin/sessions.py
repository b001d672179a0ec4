"""Founder sessions with their places, and one session's RSVPs in waitlist order with who came."""

from __future__ import annotations

from aiohttp import web

from bot.admin.render import dashboard_of, number_in, offset_of, paged, render


async def sessions(request: web.Request) -> web.Response:
    offset = offset_of(request)
    rows = await dashboard_of(request).reads.sessions.sessions(offset)
    context = paged(rows, offset)
    return await render(request, "sessions.html", "admin.sessions_title", context)


async def session(request: web.Request) -> web.Response:
    reads = dashboard_of(request).reads.sessions
    found = await reads.session(number_in(request, "session"))
    if found is None:
        raise web.HTTPNotFound()
    offset = offset_of(request)
    rows = await reads.rsvps(found.id, offset)
    context = paged(rows, offset, session=found)
    return await render(request, "session.html", "admin.session_title", context)
