from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.app import Application
from tests.bot.admin.data import TOKEN, Seeded, app_for
from tests.bot.admin.data import seeded as seeded_in


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    return seeded_in(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture
def folder(seeded: Seeded, tmp_path: Path) -> Path:
    """A copy of the seeded community for one test: it may edit its file and database."""
    copy = tmp_path / "community"
    shutil.copytree(seeded.folder, copy)
    return copy


@pytest.fixture
async def app(folder: Path) -> AsyncIterator[Application]:
    started = await app_for(folder)
    yield started
    await started.stop()


def text_of(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def base_url(app: Application) -> str:
    assert app.web is not None
    return f"http://127.0.0.1:{app.web.bound_port}"


def csrf_in(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, html[:500]
    return found.group(1)


class Admin:
    """A browser-like client: keeps the cookie, signs in, reads the CSRF token of the last page."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http = http
        self.base = base
        self.csrf = ""

    async def get(self, path: str) -> tuple[int, str]:
        async with self.http.get(self.base + path, allow_redirects=False) as response:
            text = await response.text()
            if 'name="csrf"' in text:
                self.csrf = csrf_in(text)
            return response.status, text

    async def post(self, path: str, data: dict[str, str]) -> aiohttp.ClientResponse:
        response = await self.http.post(self.base + path, data=data, allow_redirects=False)
        await response.read()
        return response

    async def sign_in(self, token: str = TOKEN) -> aiohttp.ClientResponse:
        """Sign in through the form; signed in, the session's new CSRF token is read from the overview."""
        await self.get("/admin/signin")
        response = await self.post("/admin/signin", {"csrf": self.csrf, "token": token, "next": "/admin/"})
        if response.status == 303:
            await self.get("/admin/")
        return response


@pytest.fixture
async def admin(app: Application) -> AsyncIterator[Admin]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        signed = Admin(http, base_url(app))
        response = await signed.sign_in()
        assert response.status == 303
        yield signed


@pytest.fixture
async def visitor(app: Application) -> AsyncIterator[Admin]:
    """Someone who has not signed in."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        yield Admin(http, base_url(app))
