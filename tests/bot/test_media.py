"""The media store against a real HTTP server on 127.0.0.1 (as Twilio's media URLs are served: Basic auth)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.media import MediaKeeper
from handlers.models import Attachment
from handlers.settings import MediaConfig

PNG = b"\x89PNG\r\n\x1a\n" + b"x" * 5000
AUTH = "Basic " + base64.b64encode(b"AC123:secret").decode()


@pytest.fixture
async def server() -> AsyncIterator[str]:
    async def media(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != AUTH:
            return web.Response(status=401)
        name = request.match_info["name"]
        if name == "big.png":
            return web.Response(body=b"x" * (2 * 1024 * 1024), content_type="image/png")
        if name == "doc.pdf":
            return web.Response(body=b"%PDF", content_type="application/pdf")
        if name == "moved.png":  # as Twilio does: to signed storage elsewhere, which must get no credentials
            raise web.HTTPFound(str(request.url.with_host("localhost").with_path("/storage/a.png")))
        if name == "gone.png":
            return web.Response(status=404)
        return web.Response(body=PNG, content_type="image/png")

    app = web.Application()

    async def storage(request: web.Request) -> web.Response:
        if "Authorization" in request.headers:
            return web.Response(status=400)
        return web.Response(body=PNG, content_type="image/png")

    app.router.add_get("/media/{name}", media)
    app.router.add_get("/storage/{name}", storage)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/media"
    await runner.cleanup()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def keeper(folder: Path, auth: bool = True) -> MediaKeeper:
    config = MediaConfig(max_mb=1, per_message=2)
    return MediaKeeper(folder, config, ("AC123", "secret") if auth else None)


async def test_a_file_is_kept_once_by_its_content(server: str, tmp_path: Path) -> None:
    media = keeper(tmp_path)
    first, again = await media.keep(
        [Attachment(f"{server}/a.png", "image/png"), Attachment(f"{server}/b.png", "image/png")]
    )
    await media.close()
    assert first.stored is not None and first.stored == again.stored and first.stored.endswith(".png")
    assert (first.size, first.refused) == (len(PNG), None)
    assert (tmp_path / first.stored).read_bytes() == PNG
    assert files(tmp_path) == [first.stored]  # one file, no partial left


@pytest.mark.parametrize(
    ("name", "declared", "why"),
    [
        ("big.png", "image/png", "size"),
        ("doc.pdf", "image/png", "type"),  # what the server says counts, not what the message claimed
        ("a.png", "application/zip", "type"),
        ("gone.png", "image/png", "unreachable"),
    ],
)
async def test_what_is_refused_says_why_and_leaves_no_file(
    server: str, tmp_path: Path, name: str, declared: str, why: str
) -> None:
    media = keeper(tmp_path)
    [kept] = await media.keep([Attachment(f"{server}/{name}", declared)])
    await media.close()
    assert (kept.stored, kept.refused) == (None, why)
    assert files(tmp_path) == []


async def test_a_redirect_is_followed_without_the_credentials(server: str, tmp_path: Path) -> None:
    media = keeper(tmp_path)
    [kept] = await media.keep([Attachment(f"{server}/moved.png", "image/png")])
    await media.close()
    assert kept.refused is None and kept.size == len(PNG)


async def test_without_the_credentials_twilio_media_is_unreachable(server: str, tmp_path: Path) -> None:
    media = keeper(tmp_path, auth=False)
    [kept] = await media.keep([Attachment(f"{server}/a.png", "image/png")])
    await media.close()
    assert kept.refused == "unreachable"


async def test_at_most_so_many_files_per_message(server: str, tmp_path: Path) -> None:
    media = keeper(tmp_path)
    kept = await media.keep([Attachment(f"{server}/{n}.png", "image/png") for n in range(3)])
    await media.close()
    assert [k.refused for k in kept] == [None, None, "count"]
