"""The dashboard as an aiohttp sub-application under /admin: its session cookie, its guard, its templates
and its pages."""

from __future__ import annotations

import asyncio
from importlib import resources

import aiohttp_jinja2
import aiohttp_session
import jinja2
from aiohttp import web

from bot.admin import (
    activity,
    challenges,
    configuration,
    ledger,
    members,
    newsletters,
    outbox,
    overview,
    sessions,
)
from bot.admin.auth import SIGNED_IN, SignInLimiter, cookie_storage, safe_next, sign_in, sign_out
from bot.admin.guard import LIMITER, guard
from bot.admin.ports import Dashboard
from bot.admin.render import DASHBOARD, render

TOKEN = web.AppKey("admin_token", str)
STYLESHEET = resources.files("bot.admin").joinpath("static", "admin.css").read_bytes()


async def _stylesheet(request: web.Request) -> web.Response:
    return web.Response(body=STYLESHEET, content_type="text/css", headers={"Cache-Control": "max-age=3600"})


async def _sign_in_page(request: web.Request) -> web.Response:
    session = await aiohttp_session.get_session(request)
    if session.get(SIGNED_IN):
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    return await render(
        request, "signin.html", "admin.signin_title", {"next": safe_next(request.query.get("next"))}
    )


async def _sign_in(request: web.Request) -> web.StreamResponse:
    answer = await sign_in(request, request.app[TOKEN])
    if answer is not None:
        return answer
    form = await request.post()
    target = form.get("next")
    context = {"next": safe_next(target if isinstance(target, str) else None), "wrong": True}
    return await render(request, "signin.html", "admin.signin_title", context, 401)


def admin_app(
    dashboard: Dashboard, token: str, *, secure: bool, limiter: SignInLimiter | None = None
) -> web.Application:
    admin = web.Application()
    aiohttp_session.setup(admin, cookie_storage(token, secure))
    admin.middlewares.append(guard)
    aiohttp_jinja2.setup(
        admin,
        loader=jinja2.PackageLoader("bot.admin", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    admin[DASHBOARD] = dashboard
    admin[TOKEN] = token
    admin[LIMITER] = limiter or SignInLimiter()
    admin[configuration.LOCK] = asyncio.Lock()
    add = admin.router
    add.add_get("/static/admin.css", _stylesheet, name="static")
    add.add_get("/signin", _sign_in_page, name="signin")
    add.add_post("/signin", _sign_in, name="signin_post")
    add.add_post("/signout", sign_out, name="signout")
    add.add_get("/", overview.overview, name="overview")
    add.add_get("/members", members.members, name="members")
    add.add_get("/members/{member}", members.member, name="member")
    add.add_get("/ledger", ledger.ledger, name="ledger")
    add.add_get("/ledger.csv", ledger.export, name="ledger_csv")
    add.add_get("/polls", activity.polls, name="polls")
    add.add_get("/unlocks", activity.unlocks, name="unlocks")
    add.add_get("/feedback", activity.feedback, name="feedback")
    add.add_get("/challenges", challenges.challenges, name="challenges")
    add.add_get("/challenges/{challenge}", challenges.challenge, name="challenge")
    add.add_get("/media/{key}", challenges.media, name="media")
    add.add_get("/sessions", sessions.sessions, name="sessions")
    add.add_get("/sessions/{session}", sessions.session, name="session")
    add.add_get("/newsletters", newsletters.newsletters, name="newsletters")
    add.add_get("/newsletters/next", newsletters.preview, name="preview")
    add.add_get("/newsletters/{issue}", newsletters.issue, name="issue")
    add.add_get("/outbox", outbox.outbox, name="outbox")
    add.add_get("/config", configuration.show, name="config")
    add.add_post("/config", configuration.save_fields, name="config_fields")
    add.add_post("/config/toml", configuration.save_toml, name="config_toml")
    return admin
