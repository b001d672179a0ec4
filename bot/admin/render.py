"""Pages made from templates in the community's language, with what every page needs: the translator, the
CSRF token for its forms, the navigation, and times in the community's zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from aiohttp_session import get_session

from bot.admin.auth import FLASH, SIGNED_IN, csrf_token
from bot.admin.ports import Dashboard
from handlers.i18n import Translator, UnknownText
from storage.sqlite.admin.rows import PAGE

DASHBOARD = web.AppKey("dashboard", Dashboard)
NAV = (
    ("overview", "admin.nav_overview"),
    ("members", "admin.nav_members"),
    ("ledger", "admin.nav_ledger"),
    ("polls", "admin.nav_polls"),
    ("challenges", "admin.nav_challenges"),
    ("unlocks", "admin.nav_unlocks"),
    ("feedback", "admin.nav_feedback"),
    ("sessions", "admin.nav_sessions"),
    ("newsletters", "admin.nav_newsletters"),
    ("outbox", "admin.nav_outbox"),
    ("config", "admin.nav_config"),
)
"""The pages in the navigation: route name and its label's key."""
SECTION = {
    "member": "members",
    "ledger_csv": "ledger",
    "challenge": "challenges",
    "session": "sessions",
    "issue": "newsletters",
    "preview": "newsletters",
}
"""The navigation entry a page belongs to, when it is not one itself."""


def dashboard_of(request: web.Request) -> Dashboard:
    return request.config_dict[DASHBOARD]


def translator(dashboard: Dashboard) -> Translator:
    return dashboard.texts.translator(dashboard.community().community.language)


class Shown:
    """Values as the community reads them: times in its zone, numbers and dates in its language, and the
    stored codes of states, kinds and segments by their label."""

    def __init__(self, t: Translator, dashboard: Dashboard) -> None:
        self.t = t
        self.tz = dashboard.community().community.tz

    def when(self, moment: datetime | None) -> str:
        return "" if moment is None else self.t.datetime(moment.astimezone(self.tz))

    def day(self, value: date | None) -> str:
        return "" if value is None else self.t.date(value)

    def n(self, value: int | float) -> str:
        return self.t.number(value)

    def label(self, group: str, value: str | None) -> str:
        """`admin.<group>_<value>`; a code no catalog names yet is shown as it is stored."""
        if value is None:
            return ""
        try:
            return self.t(f"admin.{group}_{value}")
        except UnknownText:
            return value


def page_link(request: web.Request, **changes: object) -> str:
    """This page's address with some query values changed (None removes one): pagination keeps filters."""
    query: dict[str, str] = dict(request.query)
    for key, value in changes.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    return request.path + ("?" + urlencode(query) if query else "")


def number_in(request: web.Request, name: str) -> int:
    """A number in the page's address (`/members/{member}`); any other text is a page that does not exist."""
    try:
        return int(request.match_info[name])
    except ValueError:
        raise web.HTTPNotFound() from None


def offset_of(request: web.Request) -> int:
    try:
        return max(0, min(int(request.query.get("offset", "0")), 1_000_000))
    except ValueError:
        return 0


def paged(rows: Sequence[Any], offset: int, **context: Any) -> dict[str, Any]:
    """A list page's context: the reads return one row more than a page when there is a next one."""
    return {"rows": rows[:PAGE], "offset": offset, "more": len(rows) > PAGE, "page": PAGE, **context}


async def render(
    request: web.Request,
    template: str,
    title: str,
    context: Mapping[str, Any] | None = None,
    status: int = 200,
) -> web.Response:
    """`template` with `title` (a catalog key) and the page's own values."""
    dashboard = dashboard_of(request)
    session = await get_session(request)
    t = translator(dashboard)
    flash = session.pop(FLASH, None)
    values: dict[str, Any] = {
        "t": t,
        "v": Shown(t, dashboard),
        "lang": t.language,
        "title": t(title),
        "community_name": dashboard.community().community.name,
        "csrf": csrf_token(session),
        "signed_in": bool(session.get(SIGNED_IN)),
        "nav": [(name, t(key), str(request.app.router[name].url_for())) for name, key in NAV],
        "current": SECTION.get(request.match_info.route.name or "", request.match_info.route.name),
        "flash": flash if isinstance(flash, str) else None,
        "link": lambda **changes: page_link(request, **changes),
        "url": lambda name, **parts: str(
            request.app.router[name].url_for(**{k: str(p) for k, p in parts.items()})
        ),
    }
    values.update(context or {})
    return aiohttp_jinja2.render_template(template, request, values, status=status)
