"""A challenge submission sent as a Discord DM with a photo: the adapter keeps its own copy (Discord's
attachment links expire) before the command runs, and the submission holds it."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import discord.ext.test as dpytest
import pytest
from aiohttp import web

from bot.media import MediaKeeper
from handlers.events import DirectMessage, MemberJoined
from handlers.models import Identity, Role
from handlers.settings import MediaConfig
from tests.bot.discord.conftest import FileOption, WebhookCall, World, feed, slash_payload

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PHOTO = b"\x89PNG\r\n\x1a\n" + b"mug" * 500


@pytest.fixture
async def cdn() -> AsyncIterator[str]:
    """Discord's CDN, on 127.0.0.1: signed links that need no credentials."""

    async def attachment(request: web.Request) -> web.Response:
        if request.match_info["name"] == "notes.pdf":
            return web.Response(body=b"%PDF-1.4", content_type="application/pdf")
        return web.Response(body=PHOTO, content_type="image/png")

    app = web.Application()
    app.router.add_get("/attachments/{name}", attachment)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/attachments"  # type: ignore[union-attr]
    await runner.cleanup()


async def test_a_submission_with_a_photo_and_one_with_a_refused_file(
    world: World, cdn: str, tmp_path: Path
) -> None:
    world.bot.media = MediaKeeper(tmp_path / "media", MediaConfig())
    core = world.core
    await core.handle_direct(
        DirectMessage(
            Identity("discord", "900"),
            'CHALLENGE NEW "Best mug photo" | Show us your mug | 3d | per member 2',
            platform_role=Role.MODERATOR,
        )
    )
    alice = world.members["alice"]
    dm = await alice.create_dm()
    await dpytest.message("JOIN", channel=dm, member=alice)
    await dpytest.message(
        "SUBMIT 1 my mug at sunrise", channel=dm, member=alice, attachments=[f"{cdn}/mug.png"]
    )
    await dpytest.message("SUBMIT 1 my notes", channel=dm, member=alice, attachments=[f"{cdn}/notes.pdf"])
    await world.bot.media.close()
    answers = [s.payload.get("content") or "" for s in world.to("alice")]
    assert any(a.startswith("Your submission #1 to challenge #1 is in") for a in answers), answers
    assert any(a.startswith("That kind of file is not taken here") for a in answers), answers
    rows = await world.store.db.fetch_all("SELECT media_key, size FROM challenge_media")
    key = hashlib.sha256(PHOTO).hexdigest() + ".png"
    assert [tuple(r) for r in rows] == [(key, len(PHOTO))]
    assert (tmp_path / "media" / key).read_bytes() == PHOTO


async def test_a_slash_submit_with_a_picked_photo_keeps_it_with_the_submission(
    world: World, cdn: str, tmp_path: Path, webhook: list[WebhookCall]
) -> None:
    world.bot.media = MediaKeeper(tmp_path / "media", MediaConfig())
    await world.core.handle_direct(
        DirectMessage(
            Identity("discord", "900"),
            'CHALLENGE NEW "Best mug photo" | Show us your mug | 3d',
            platform_role=Role.MODERATOR,
        )
    )
    alice = world.members["alice"]
    await world.core.member_joined(MemberJoined(Identity("discord", str(alice.id)), display_name="alice"))
    photo = FileOption(f"{cdn}/mug.png", "mug.png", "image/png", len(PHOTO))
    await feed(
        world, slash_payload(world, alice, "submit", {"challenge": "1", "text": "sunrise mug", "file": photo})
    )
    await world.bot.media.close()
    texts = [call.payload.get("content") or "" for call in webhook]
    assert any(t.startswith("Your submission #1 to challenge #1 is in") for t in texts), texts
    rows = await world.store.db.fetch_all("SELECT media_key, size FROM challenge_media")
    key = hashlib.sha256(PHOTO).hexdigest() + ".png"
    assert [tuple(r) for r in rows] == [(key, len(PHOTO))]
    assert (tmp_path / "media" / key).read_bytes() == PHOTO
