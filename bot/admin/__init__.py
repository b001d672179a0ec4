"""The admin web dashboard on the bot's own web server, under /admin: the community's heartbeat, its
members, ledger, activities and messages, and its configuration, for the admins who sign in with the token
in `COMMUNITYBOT_ADMIN_TOKEN` (without it the dashboard is not mounted at all)."""

from __future__ import annotations

from aiohttp import web

from bot.admin.auth import SignInLimiter
from bot.admin.ports import Dashboard
from bot.admin.routes import admin_app


def mount(
    app: web.Application,
    dashboard: Dashboard,
    token: str,
    *,
    secure: bool,
    limiter: SignInLimiter | None = None,
) -> None:
    """Add the dashboard to `app` (before it starts). `secure`: the cookie only over HTTPS (set it when the
    public address is https)."""

    async def to_overview(request: web.Request) -> web.StreamResponse:
        raise web.HTTPPermanentRedirect("/admin/")

    app.router.add_get("/admin", to_overview)
    app.add_subapp("/admin", admin_app(dashboard, token, secure=secure, limiter=limiter))
