"""The WhatsApp adapter as in tests/bot/whatsapp/conftest.py (real core, SQLite, aiohttp app on 127.0.0.1,
the fake Twilio API), on a community of the test's own: rules, moderators and admins by WhatsApp number."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from pydantic import SecretStr

from bot.formats import TEXTS
from bot.messenger import MessengerRouter
from bot.web import WebServer
from bot.whatsapp.adapter import WhatsAppAdapter
from bot.whatsapp.twilio_client import TwilioMessages
from config.community import CommunityFile
from config.whatsapp import WhatsAppCommunity
from handlers.features import FEATURES
from handlers.install import build_core
from handlers.platforms import Platforms
from storage.sqlite.store import SqliteStore
from tests.bot.whatsapp.conftest import PUBLIC, WhatsAppHarness, twilio_settings
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.fakes import FakeClock, RecordingMessenger

WEBHOOK = "/twilio/whatsapp"


@asynccontextmanager
async def fake_twilio() -> AsyncIterator[FakeTwilio]:
    server = FakeTwilio()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@asynccontextmanager
async def whatsapp_on(
    store: SqliteStore, clock: FakeClock, fake: FakeTwilio, community: Mapping[str, Any]
) -> AsyncIterator[WhatsAppHarness]:
    config = CommunityFile.model_validate(community)
    router = MessengerRouter()
    console = RecordingMessenger()
    router.add("console", console, posts_to_channels=True)
    whatsapp = config.section(WhatsAppCommunity)
    platforms = Platforms(
        consent_wording=whatsapp.consent_wording,
        running=frozenset({"whatsapp", "console"}),
        idempotent=frozenset({"whatsapp"}),
        durable_replies=frozenset({"whatsapp"}),
    )
    core = build_core(store.services(config, clock), router, FEATURES, platforms, texts=TEXTS)
    api = TwilioMessages(ACCOUNT_SID, SecretStr(AUTH_TOKEN), fake.base_url, timeout=1.0)
    await api.open()
    adapter = WhatsAppAdapter(
        core, store, clock, twilio_settings(fake, messages_per_second=1000), PUBLIC, whatsapp, api=api
    )
    router.add("whatsapp", adapter.messenger, posts_to_channels=False)
    web = WebServer("127.0.0.1", 0, _ready)
    adapter.mount(web.app)
    await web.start()
    try:
        yield WhatsAppHarness(adapter, core, store, clock, fake, web, console)
    finally:
        await web.stop()
        await adapter.intake.stop()
        await adapter.media.close()  # its downloads' session: left open, it is reported in a later test
        await api.close()


async def _ready() -> bool:
    return True
