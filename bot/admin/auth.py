"""Signing admins in: the token from the environment compared in constant time, an encrypted session
cookie (HttpOnly, SameSite=Strict, with an expiry), a CSRF token per session checked on every POST, sign-in
attempts limited per client address, and no page without a signed-in session.

The cookie is encrypted and authenticated (aiohttp-session's EncryptedCookieStorage: Fernet) with a key
derived from the admin token, so sessions survive a restart and changing the token signs everyone out.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp_session import Session, get_session, new_session
from aiohttp_session.cookie_storage import EncryptedCookieStorage
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

COOKIE = "communitybot_admin"
SESSION_SECONDS = 8 * 3600
"""A session lasts a working day from its sign-in, then the admin signs in again."""
ATTEMPTS, PER_SECONDS = 5, 60.0
"""Sign-in attempts allowed per client address in a sliding minute; more get 429."""
TRACKED = 10_000
"""Client addresses remembered at most (a flood of addresses cannot grow the limiter without bound)."""
SIGNED_IN, CSRF, FLASH = "admin", "csrf", "flash"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def cookie_storage(token: str, secure: bool) -> EncryptedCookieStorage:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"communitybot admin session cookie"
    ).derive(token.encode())
    return EncryptedCookieStorage(
        key,
        cookie_name=COOKIE,
        max_age=SESSION_SECONDS,
        path="/admin",
        httponly=True,
        samesite="Strict",
        secure=secure,
    )


class SignInLimiter:
    """At most ATTEMPTS sign-in attempts per address in any PER_SECONDS (a sliding window)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._attempts: dict[str, deque[float]] = {}

    def allow(self, address: str) -> bool:
        now = self.clock()
        if len(self._attempts) >= TRACKED:
            self._forget(now)
        seen = self._attempts.setdefault(address, deque())
        while seen and now - seen[0] >= PER_SECONDS:
            seen.popleft()
        if len(seen) >= ATTEMPTS:
            return False
        seen.append(now)
        return True

    def retry_after(self, address: str) -> int:
        seen = self._attempts.get(address)
        if not seen:
            return 0
        return max(1, int(PER_SECONDS - (self.clock() - seen[0])) + 1)

    def _forget(self, now: float) -> None:
        for address in [a for a, seen in self._attempts.items() if not seen or now - seen[-1] >= PER_SECONDS]:
            del self._attempts[address]
        while len(self._attempts) >= TRACKED:  # all recent: the oldest address goes
            del self._attempts[next(iter(self._attempts))]


def token_matches(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def csrf_token(session: Session) -> str:
    """This session's CSRF token (made on first use: the sign-in form has one before anyone signed in)."""
    token = session.get(CSRF)
    if not isinstance(token, str):
        token = session[CSRF] = secrets.token_urlsafe(32)
    return token


async def csrf_ok(request: web.Request, session: Session) -> bool:
    expected = session.get(CSRF)
    form = await request.post()  # read once: aiohttp keeps it for the handler
    given = form.get("csrf")
    if not isinstance(expected, str) or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def client_of(request: web.Request) -> str:
    """The peer's address. A reverse proxy's forwarded headers are not trusted (anyone can send them): behind
    one, every attempt counts against the proxy's address."""
    return request.remote or "unknown"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of the dashboard, never another site."""
    if target and target.startswith("/admin/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin/"


async def sign_in(request: web.Request, token: str) -> web.StreamResponse | None:
    """A sign-in form's POST (its CSRF token already checked): on the right token a fresh session (a new
    cookie, so a session planted before cannot be taken over) and the way on; None on a wrong one."""
    form = await request.post()
    given = form.get("token")
    if not isinstance(given, str) or not token_matches(given, token):
        log.warning("admin sign-in refused from %s: wrong token", client_of(request))
        return None
    session = await new_session(request)
    session[SIGNED_IN] = True
    csrf_token(session)
    log.info("admin signed in from %s", client_of(request))
    target = form.get("next")
    raise web.HTTPSeeOther(safe_next(target if isinstance(target, str) else None))


async def sign_out(request: web.Request) -> web.StreamResponse:
    session = await get_session(request)
    session.invalidate()
    log.info("admin signed out from %s", client_of(request))
    raise web.HTTPSeeOther("/admin/signin")
