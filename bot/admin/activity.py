"""Polls (tallies only), group unlocks and members' ideas: a page of each, newest first."""

from __future__ import annotations

from aiohttp import web

from bot.admin.render import dashboard_of, offset_of, paged, render

IDEA_STATUSES = ("new", "planned", "shipped", "declined")


async def polls(request: web.Request) -> web.Response:
    offset = offset_of(request)
    rows = await dashboard_of(request).reads.activity.polls(offset)
    context = paged(rows, offset)
    return await render(request, "polls.html", "admin.polls_title", context)


async def unlocks(request: web.Request) -> web.Response:
    offset = offset_of(request)
    rows = await dashboard_of(request).reads.activity.unlocks(offset)
    context = paged(rows, offset)
    return await render(request, "unlocks.html", "admin.unlocks_title", context)


async def feedback(request: web.Request) -> web.Response:
    offset = offset_of(request)
    status = request.query.get("status") or None
    if status not in (None, *IDEA_STATUSES):
        status = None
    rows = await dashboard_of(request).reads.activity.ideas(status, offset)
    context = paged(rows, offset, status=status, statuses=IDEA_STATUSES)
    return await render(request, "feedback.html", "admin.feedback_title", context)
