"""The ledger: entries newest first, filtered by member, kind and local dates, a page at a time (a cursor,
not an offset: page 1,000 costs what page 1 does), and the same entries as a CSV file that streams."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from aiohttp import web

from bot.admin.guard import HEADERS
from bot.admin.render import dashboard_of, page_link, render
from handlers.ledger import Kind
from storage.sqlite.admin.rows import LedgerCursor, LedgerFilter, LedgerRow
from storage.sqlite.times import from_db, to_db

KINDS = tuple(kind.value for kind in Kind)
FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet would read as a formula at the start of a cell: members write reasons and handles."""
COLUMNS = (
    "id",
    "created_at",
    "member_id",
    "handle",
    "delta",
    "kind",
    "reason",
    "actor",
    "source",
    "reverses",
)


def cursor_of(request: web.Request) -> LedgerCursor | None:
    """`?after=<time>_<id>` from the previous page's last entry."""
    text = request.query.get("after", "")
    at, _, entry = text.rpartition("_")
    try:
        return LedgerCursor(from_db(at), int(entry)) if at else None
    except ValueError:
        return None


def older_link(request: web.Request, cursor: LedgerCursor | None) -> str | None:
    """The next page's address (None on the last page)."""
    return None if cursor is None else page_link(request, after=f"{to_db(cursor.created_at)}_{cursor.id}")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


async def filter_of(request: web.Request) -> tuple[LedgerFilter, dict[str, str], bool]:
    """The filter the query asks for, the form's values, and whether a named member exists."""
    dashboard = dashboard_of(request)
    tz = dashboard.community().community.tz
    handle = request.query.get("member", "").strip()[:64]
    kind = request.query.get("kind", "")
    since, until = _day(request.query.get("from", "")), _day(request.query.get("to", ""))
    member_id = await dashboard.reads.members.by_handle(handle) if handle else None
    where = LedgerFilter(
        member_id=member_id,
        kind=kind if kind in KINDS else None,
        since=None if since is None else datetime.combine(since, time(), tz),
        until=None if until is None else datetime.combine(until + timedelta(days=1), time(), tz),
    )
    form = {
        "member": handle,
        "kind": where.kind or "",
        "from": "" if since is None else since.isoformat(),
        "to": "" if until is None else until.isoformat(),
    }
    return where, form, not handle or member_id is not None


async def ledger(request: web.Request) -> web.Response:
    where, form, found = await filter_of(request)
    reads = dashboard_of(request).reads
    page = await reads.ledger.page(where, cursor_of(request)) if found else None
    export_query = urlencode({key: value for key, value in form.items() if value})
    context = {
        "page": page,
        "form": form,
        "kinds": KINDS,
        "unknown_member": not found,
        "first": "after" not in request.query,
        "older": older_link(request, page.next if page else None),
        "export": str(request.app.router["ledger_csv"].url_for())
        + ("?" + export_query if export_query else ""),
    }
    return await render(request, "ledger.html", "admin.ledger_title", context)


def _cell(text: str | None) -> str:
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA) else text


def _line(row: LedgerRow) -> list[object]:
    return [
        row.id,
        to_db(row.created_at),
        row.member_id,
        _cell(row.handle),
        row.delta,
        row.kind,
        _cell(row.reason),
        _cell(row.actor_identity),
        _cell(row.source),
        row.reverses or "",
    ]


async def export(request: web.Request) -> web.StreamResponse:
    """Every matching entry as CSV, written as it is read (a few thousand at a time)."""
    where, _, found = await filter_of(request)
    if not found:
        raise web.HTTPNotFound()
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": 'attachment; filename="ledger.csv"',
            **HEADERS,
        }
    )
    await response.prepare(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    async for rows in dashboard_of(request).reads.ledger.export(where):
        writer.writerows(_line(row) for row in rows)
        await response.write(buffer.getvalue().encode())
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        await response.write(buffer.getvalue().encode())
    await response.write_eof()
    return response
