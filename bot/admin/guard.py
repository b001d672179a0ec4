"""The dashboard's middleware: every request but the stylesheet needs a signed-in session, every POST a
valid CSRF token, sign-in attempts are limited per client address, and every answer carries headers that
keep it out of caches and frames and forbid scripts."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web
from aiohttp_session import get_session

from bot.admin.auth import SIGNED_IN, Handler, SignInLimiter, client_of, csrf_ok
from bot.admin.render import render

LIMITER = web.AppKey("limiter", SignInLimiter)
OPEN = frozenset({"signin", "signin_post", "static"})
"""Routes reachable without a session."""
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; form-action 'self';"
        " frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await _checked(request, handler)
    except web.HTTPException as answer:  # redirects and 404s get the headers too
        answer.headers.update({k: v for k, v in HEADERS.items() if k not in answer.headers})
        raise
    if not response.prepared:  # a streamed answer (the CSV export) set them before it started
        for key, value in HEADERS.items():
            response.headers.setdefault(key, value)
    return response


async def _checked(request: web.Request, handler: Handler) -> web.StreamResponse:
    route = request.match_info.route.name
    if route == "static":
        return await handler(request)
    session = await get_session(request)
    if request.method == "POST":
        if route == "signin_post":
            limiter = request.app[LIMITER]
            address = client_of(request)
            if not limiter.allow(address):
                response = await render(
                    request, "refused.html", "admin.too_many_title", {"kind": "too_many"}, 429
                )
                response.headers["Retry-After"] = str(limiter.retry_after(address))
                return response
        if not await csrf_ok(request, session):
            return await render(request, "refused.html", "admin.csrf_title", {"kind": "csrf"}, 403)
    if route not in OPEN and not session.get(SIGNED_IN):
        if request.method == "GET":
            raise web.HTTPSeeOther(f"/admin/signin?{_next(request)}")
        return await render(request, "refused.html", "admin.signed_out_title", {"kind": "signed_out"}, 403)
    return await handler(request)


def _next(request: web.Request) -> str:
    return urlencode({"next": request.path_qs})
