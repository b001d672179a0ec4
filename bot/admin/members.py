"""Members: a searchable page of them (handle, name or identity; one segment's), and one member with their
identities, balance, rank and ledger history."""

from __future__ import annotations

from aiohttp import web

from bot.admin.ledger import cursor_of, older_link
from bot.admin.overview import SEGMENTS
from bot.admin.render import dashboard_of, number_in, offset_of, paged, render
from storage.sqlite.admin.rows import LedgerFilter


async def members(request: web.Request) -> web.Response:
    reads = dashboard_of(request).reads
    query = request.query.get("q", "").strip()[:100]
    segment = request.query.get("segment") or None
    if segment not in (None, *SEGMENTS):
        segment = None
    offset = offset_of(request)
    rows = await reads.members.page(query, segment, offset)
    context = paged(rows, offset, query=query, segment=segment, segments=SEGMENTS)
    return await render(request, "members.html", "admin.members_title", context)


async def member(request: web.Request) -> web.Response:
    reads = dashboard_of(request).reads
    member_id = number_in(request, "member")
    detail = await reads.members.detail(member_id)
    if detail is None:
        raise web.HTTPNotFound()
    history = await reads.ledger.page(LedgerFilter(member_id=member_id), cursor_of(request))
    context = {"detail": detail, "history": history, "older": older_link(request, history.next)}
    return await render(request, "member.html", "admin.member_title", context)
