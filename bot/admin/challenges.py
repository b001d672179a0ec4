"""Challenges and their submissions, with the files members attached, served from the media store (only a
file that a submission of this community holds, by its stored name, never a path)."""

from __future__ import annotations

import re

from aiohttp import web

from bot.admin.render import dashboard_of, number_in, offset_of, paged, render

MEDIA_KEY = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{1,8}")
"""The media store's file names: a SHA-256 and an extension (bot/media.py)."""


async def challenges(request: web.Request) -> web.Response:
    offset = offset_of(request)
    rows = await dashboard_of(request).reads.challenges.challenges(offset)
    context = paged(rows, offset)
    return await render(request, "challenges.html", "admin.challenges_title", context)


async def challenge(request: web.Request) -> web.Response:
    reads = dashboard_of(request).reads.challenges
    found = await reads.challenge(number_in(request, "challenge"))
    if found is None:
        raise web.HTTPNotFound()
    offset = offset_of(request)
    rows = await reads.submissions(found.id, offset)
    context = paged(rows, offset, challenge=found)
    return await render(request, "challenge.html", "admin.challenge_title", context)


async def media(request: web.Request) -> web.StreamResponse:
    dashboard = dashboard_of(request)
    key = request.match_info["key"]
    if not MEDIA_KEY.fullmatch(key):
        raise web.HTTPNotFound()
    kind = await dashboard.reads.challenges.media_type(key)
    path = dashboard.media / key
    if kind is None or not path.is_file():
        raise web.HTTPNotFound()
    # Served as the type it was kept as, never sniffed, and sandboxed should it be opened on its own.
    return web.FileResponse(
        path,
        headers={
            "Content-Type": kind,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "private, max-age=3600",
        },
    )
