"""The newsletter: its archive (every issue, sent or skipped), one issue in each language, and the next
issue as it stands, compiled on request as `NEWSLETTER PREVIEW` compiles it."""

from __future__ import annotations

from aiohttp import web

from bot.admin.render import dashboard_of, number_in, offset_of, paged, render, translator


async def newsletters(request: web.Request) -> web.Response:
    offset = offset_of(request)
    rows = await dashboard_of(request).reads.newsletters.issues(offset)
    context = paged(rows, offset)
    return await render(request, "newsletters.html", "admin.newsletters_title", context)


async def issue(request: web.Request) -> web.Response:
    found = await dashboard_of(request).reads.newsletters.issue(number_in(request, "issue"))
    if found is None:
        raise web.HTTPNotFound()
    return await render(request, "issue.html", "admin.issue_title", {"found": found})


async def preview(request: web.Request) -> web.Response:
    dashboard = dashboard_of(request)
    text = await dashboard.preview(translator(dashboard).language)
    return await render(request, "preview.html", "admin.preview_title", {"text": text})
