"""A file posted in a circle's bridged Discord channel reaches the circle's WhatsApp members as WhatsApp
media: the Discord adapter keeps it in the media store (its link expires in a day), the WhatsApp outbox sends
it as a MediaUrl on the bot's own web server, and Twilio (the fake API here) fetches exactly its bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace

import aiohttp
import discord
import discord.ext.test as dpytest
import discord.ext.test.backend as back
import pytest
from aiohttp import web
from pydantic import SecretStr

from bot.media import MediaKeeper
from bot.web import WebServer
from bot.whatsapp.adapter import WhatsAppAdapter
from bot.whatsapp.twilio_client import TwilioMessages
from config.community import CommunityFile
from config.settings import TwilioSettings
from config.whatsapp import WhatsAppCommunity
from handlers.events import MemberJoined
from handlers.models import Identity
from handlers.settings import CommunityConfig, MediaConfig
from tests.bot.discord.conftest import World, snowflake
from tests.bot.discord.test_circles_discord import gateway_message
from tests.bot.whatsapp.conftest import sign
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.fakes import FakeClock

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PUBLIC = "https://bot.example.com"
BOT_NUMBER = "whatsapp:+14155238886"
WANDA = "whatsapp:+15550001234"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
GIF = b"GIF89a" + bytes(200)
TYPES = ["image/png", "image/gif", "application/pdf"]


@pytest.fixture
def discord_community() -> CommunityConfig:
    return CommunityFile.model_validate(
        {
            "community": {"name": "Test Club", "timezone": "Europe/Paris"},
            "points": {"activity": {"cooldown_seconds": 0}},
            "media": {"types": TYPES},
            "circles": [{"name": "runners", "channel": "runners"}],
        }
    )


@dataclass
class Bridged:
    world: World
    channel: discord.TextChannel
    adapter: WhatsAppAdapter
    fake: FakeTwilio
    web: WebServer
    cdn: str
    """Discord's attachment host, on 127.0.0.1..."""
    files: dict[str, tuple[bytes, str]]
    """...and what it serves, by name."""

    @property
    def local(self) -> str:
        return f"http://127.0.0.1:{self.web.bound_port}"

    async def whatsapp(self, text: str, n: int) -> None:
        """Wanda writes to the bot on WhatsApp (a signed webhook)."""
        form = {
            "MessageSid": f"SM{n:032x}",
            "AccountSid": ACCOUNT_SID,
            "From": WANDA,
            "To": BOT_NUMBER,
            "WaId": WANDA.removeprefix("whatsapp:+"),
            "ProfileName": "wanda",
            "Body": text,
            "NumMedia": "0",
        }
        headers = {"X-Twilio-Signature": sign(PUBLIC + "/twilio/whatsapp", form)}
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.local + "/twilio/whatsapp", data=form, headers=headers) as response,
        ):
            assert response.status == 200
        await self.adapter.intake.idle()
        await self.settle()

    async def settle(self) -> None:
        await self.world.core.settle()
        while await self.adapter.worker.run_once():
            pass

    async def post(self, text: str, files: list[tuple[str, bytes, str]]) -> None:
        """Alice posts in the bridged channel with files (a MESSAGE_CREATE as the gateway hands it over)."""
        alice = self.world.members["alice"]
        attachments = [
            {
                "id": str(snowflake()),
                "filename": name,
                "size": len(data),
                "url": f"{self.cdn}/attachments/{name}?ex=signed",
                "proxy_url": f"{self.cdn}/attachments/{name}?ex=signed",
                "content_type": kind,
            }
            for name, data, kind in files
        ]
        author = {"id": str(alice.id), "username": "alice"}
        message = gateway_message(self.world, self.channel, text, author, attachments=attachments)
        self.world.bot.dispatch("message", message)
        await dpytest.run_all_events()
        await self.settle()

    def to_wanda(self) -> list[dict[str, str]]:
        return [form for form in self.fake.accepted if form["To"] == WANDA]

    async def fetch(self, url: str) -> tuple[int, bytes, str | None]:
        """What Twilio gets from a MediaUrl (the public URL, as this test reaches the bot's server)."""
        assert url.startswith(PUBLIC + "/media/")
        async with aiohttp.ClientSession() as http, http.get(self.local + url.removeprefix(PUBLIC)) as got:
            return got.status, await got.read(), got.headers.get("Content-Type")


@pytest.fixture
async def cdn() -> AsyncIterator[tuple[str, dict[str, tuple[bytes, str]]]]:
    """Discord's attachment host: the files by name."""
    files: dict[str, tuple[bytes, str]] = {}

    async def attachment(request: web.Request) -> web.Response:
        data, kind = files[request.match_info["name"]]
        return web.Response(body=data, content_type=kind)

    app = web.Application()
    app.router.add_get("/attachments/{name}", attachment)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", files
    finally:
        await runner.cleanup()


@pytest.fixture
async def bridged(
    world: World, clock: FakeClock, cdn: tuple[str, dict[str, tuple[bytes, str]]]
) -> AsyncIterator[Bridged]:
    fake = FakeTwilio()
    await fake.start()
    api = TwilioMessages(ACCOUNT_SID, SecretStr(AUTH_TOKEN), fake.base_url, timeout=1.0)
    await api.open()
    twilio = TwilioSettings(
        account_sid=ACCOUNT_SID,
        auth_token=SecretStr(AUTH_TOKEN),
        whatsapp_from=BOT_NUMBER,
        api_base_url=fake.base_url,
        messages_per_second=1000,
    )
    community = world.core.services.config
    # As the app runs WhatsApp: its replies go through the outbox, handed over once.
    platforms = world.core.platforms
    world.core.platforms = replace(
        platforms, idempotent=frozenset({"whatsapp"}), durable_replies=frozenset({"whatsapp"})
    )
    adapter = WhatsAppAdapter(
        world.core, world.store, clock, twilio, PUBLIC, community.section(WhatsAppCommunity), api=api
    )
    world.core.dispatcher.messenger.add("whatsapp", adapter.messenger, posts_to_channels=False)  # type: ignore[attr-defined]
    # The Discord adapter keeps files in the same media store the WhatsApp adapter's links serve.
    world.bot.media = MediaKeeper(adapter.links.folder, MediaConfig(types=TYPES))
    server = WebServer("127.0.0.1", 0, _healthy)
    adapter.mount(server.app)
    await server.start()
    channel = back.make_text_channel("runners", world.guild)
    await world.core.start()  # the community file's circle made, its bridged channel read
    alice = world.members["alice"]
    await world.core.member_joined(MemberJoined(Identity("discord", str(alice.id)), display_name="alice"))
    made = Bridged(world, channel, adapter, fake, server, *cdn)
    await made.whatsapp("JOIN", 1)
    await made.whatsapp("CIRCLE JOIN runners", 2)
    assert any(f.get("Body", "").startswith("Welcome to runners") for f in made.to_wanda())
    try:
        yield made
    finally:
        await server.stop()
        await adapter.intake.stop()
        await world.core.settle()
        await adapter.media.close()
        await world.bot.media.close()
        await api.close()
        await fake.stop()


async def _healthy() -> bool:
    return True


def serve(bridged: Bridged, name: str, data: bytes, kind: str) -> tuple[str, bytes, str]:
    bridged.files[name] = (data, kind)
    return name, data, kind


async def test_a_photo_in_the_bridged_channel_reaches_whatsapp_as_media_with_its_exact_bytes(
    bridged: Bridged,
) -> None:
    await bridged.post("my route", [serve(bridged, "route.png", PNG, "image/png")])
    text, photo = bridged.to_wanda()[-2:]
    assert (text["Body"], "MediaUrl" in text) == ("alice #1: my route", False)
    assert "Body" not in photo
    assert await bridged.fetch(photo["MediaUrl"]) == (200, PNG, "image/png")


async def test_a_photo_alone_in_the_bridged_channel_reaches_whatsapp(bridged: Bridged) -> None:
    await bridged.post("", [serve(bridged, "route.png", PNG, "image/png")])
    text, photo = bridged.to_wanda()[-2:]
    assert text["Body"] == "alice #1:"
    assert (await bridged.fetch(photo["MediaUrl"]))[1] == PNG


async def test_a_file_whatsapp_cannot_carry_reaches_it_as_the_line(bridged: Bridged) -> None:
    await bridged.post("my route", [serve(bridged, "route.gif", GIF, "image/gif")])
    assert bridged.to_wanda()[-1]["Body"] == "alice #1: my route\n📎 1 file"
    assert not any("MediaUrl" in form for form in bridged.fake.accepted)


async def test_a_file_the_bot_does_not_keep_reaches_whatsapp_as_the_line(bridged: Bridged) -> None:
    await bridged.post("my route", [serve(bridged, "notes.txt", b"plain words", "text/plain")])
    assert bridged.to_wanda()[-1]["Body"] == "alice #1: my route\n📎 1 file"
    assert not any("MediaUrl" in form for form in bridged.fake.accepted)


async def test_a_file_in_a_channel_no_circle_reads_is_not_downloaded(bridged: Bridged) -> None:
    general = bridged.world.general
    bridged.channel, kept = general, bridged.channel
    try:
        await bridged.post("", [serve(bridged, "elsewhere.png", PNG, "image/png")])
    finally:
        bridged.channel = kept
    assert not any(bridged.adapter.links.folder.glob("*.png"))
    assert not any("MediaUrl" in form for form in bridged.fake.accepted)
