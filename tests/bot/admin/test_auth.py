"""Signing in: the token, the session cookie, CSRF on every form, the sign-in rate limit, signing out, and
no dashboard at all without a token."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest

from bot.admin.auth import ATTEMPTS, SignInLimiter
from bot.app import Application
from tests.bot.admin.conftest import Admin, base_url
from tests.bot.admin.data import TOKEN, app_for

PAGES = (
    "/admin/", "/admin/members", "/admin/members/1", "/admin/ledger", "/admin/ledger.csv", "/admin/polls",
    "/admin/challenges", "/admin/challenges/1", "/admin/unlocks", "/admin/feedback", "/admin/sessions",
    "/admin/sessions/1", "/admin/newsletters", "/admin/newsletters/1", "/admin/newsletters/next",
    "/admin/outbox", "/admin/config",
)  # fmt: skip
FORMS = ("/admin/config", "/admin/config/toml", "/admin/signout", "/admin/signin")
"""Every form's target."""


@pytest.mark.parametrize("path", PAGES)
async def test_no_page_is_reachable_without_signing_in(visitor: Admin, path: str) -> None:
    status, _ = await visitor.get(path)
    assert status == 303
    async with visitor.http.get(visitor.base + path, allow_redirects=False) as response:
        assert response.headers["Location"] == "/admin/signin?next=" + path


async def test_a_wrong_token_is_refused_and_logged_without_the_token(
    visitor: Admin, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    response = await visitor.sign_in("not-the-token-at-all")
    assert response.status == 401
    status, _ = await visitor.get("/admin/")
    assert status == 303
    response = await visitor.sign_in()
    assert response.status == 303 and response.headers["Location"] == "/admin/"
    status, _ = await visitor.get("/admin/")
    assert status == 200
    assert "wrong token" in caplog.text and "signed in" in caplog.text
    assert TOKEN not in caplog.text and "not-the-token-at-all" not in caplog.text


async def test_the_session_cookie_is_httponly_samesite_and_expires(visitor: Admin) -> None:
    await visitor.get("/admin/signin")
    response = await visitor.post("/admin/signin", {"csrf": visitor.csrf, "token": TOKEN})
    cookie = SimpleCookie()
    for header in response.headers.getall("Set-Cookie"):
        cookie.load(header)
    morsel = cookie["communitybot_admin"]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/admin"
    assert morsel["max-age"] == "28800" and morsel["expires"]
    assert TOKEN not in morsel.value  # encrypted, and the token is never in it anyway


async def test_the_cookie_is_secure_when_the_public_address_is_https(folder: Path) -> None:
    app = await app_for(folder, public_base_url="https://bot.example.com")
    try:
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(cookie_jar=jar) as http,
            http.get(base_url(app) + "/admin/signin") as response,
        ):
            assert "Secure" in response.headers["Set-Cookie"]
    finally:
        await app.stop()


@pytest.mark.parametrize("path", FORMS)
async def test_every_form_refuses_a_forged_or_missing_csrf_token(admin: Admin, path: str) -> None:
    for token in ("forged-" + admin.csrf[7:], ""):
        data = {"csrf": token} if token else {}
        response = await admin.post(path, {**data, "token": TOKEN, "toml": "", "version": ""})
        assert response.status == 403, (path, token)
    status, _ = await admin.get("/admin/")
    assert status == 200  # still signed in: a refused form changed nothing


async def test_a_form_posted_from_an_old_session_is_refused(admin: Admin, app: Application) -> None:
    old_csrf = admin.csrf
    response = await admin.post("/admin/signout", {"csrf": old_csrf})
    assert response.status == 303
    response = await admin.post("/admin/config/toml", {"csrf": old_csrf, "toml": "", "version": ""})
    assert response.status == 403


async def test_signing_out_ends_the_session(admin: Admin) -> None:
    response = await admin.post("/admin/signout", {"csrf": admin.csrf})
    assert response.status == 303 and response.headers["Location"] == "/admin/signin"
    status, _ = await admin.get("/admin/members")
    assert status == 303


async def test_sign_in_attempts_are_limited_per_address(visitor: Admin) -> None:
    for _ in range(ATTEMPTS):
        response = await visitor.sign_in("wrong-wrong-wrong-wrong")
        assert response.status == 401
    response = await visitor.sign_in()  # the right token too, once the limit is reached
    assert response.status == 429
    assert int(response.headers["Retry-After"]) > 0
    status, _ = await visitor.get("/admin/")
    assert status == 303


def test_the_limiter_forgets_attempts_after_a_minute() -> None:
    now = [0.0]
    limiter = SignInLimiter(lambda: now[0])
    assert all(limiter.allow("1.2.3.4") for _ in range(ATTEMPTS))
    assert not limiter.allow("1.2.3.4") and limiter.allow("5.6.7.8")
    now[0] = 61.0
    assert limiter.allow("1.2.3.4")


async def test_pages_forbid_scripts_frames_and_caching(admin: Admin) -> None:
    async with admin.http.get(admin.base + "/admin/") as response:
        policy = response.headers["Content-Security-Policy"]
        assert (
            "default-src 'none'" in policy
            and "frame-ancestors 'none'" in policy
            and "script-src" not in policy
        )
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"] == "no-store"


async def test_after_signing_in_the_admin_goes_where_they_were_going(visitor: Admin) -> None:
    await visitor.get("/admin/signin?next=%2Fadmin%2Fpolls")
    response = await visitor.post(
        "/admin/signin", {"csrf": visitor.csrf, "token": TOKEN, "next": "/admin/polls"}
    )
    assert response.headers["Location"] == "/admin/polls"
    await visitor.get("/admin/polls")
    response = await visitor.post("/admin/signout", {"csrf": visitor.csrf})
    assert response.status == 303
    await visitor.get("/admin/signin")
    response = await visitor.post(
        "/admin/signin", {"csrf": visitor.csrf, "token": TOKEN, "next": "//evil.example/admin/"}
    )
    assert response.headers["Location"] == "/admin/"


async def test_without_a_token_the_dashboard_is_not_mounted(folder: Path) -> None:
    app = await app_for(folder, admin_token=None)
    try:
        async with aiohttp.ClientSession() as http:
            for path in ("/admin", "/admin/", "/admin/signin"):
                async with http.get(base_url(app) + path, allow_redirects=False) as response:
                    assert response.status == 404, path
            async with http.get(base_url(app) + "/healthz") as response:
                assert response.status == 200
    finally:
        await app.stop()


def test_a_short_admin_token_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    from config.problems import ConfigError
    from config.settings import load_settings

    monkeypatch.setenv("COMMUNITYBOT_ADMIN_TOKEN", "short")
    with pytest.raises(ConfigError) as refused:
        load_settings()
    assert refused.value.problems == [
        "COMMUNITYBOT_ADMIN_TOKEN: must be at least 16 characters (e.g. `openssl rand -hex 24`)"
    ]
    assert "short" not in str(refused.value)
