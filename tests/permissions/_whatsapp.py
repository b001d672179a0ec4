"""The WhatsApp adapter as in tests/bot/whatsapp/conftest.py (real core, SQLite, aiohttp app on 127.0.0.1,
the fake Twilio API), on a community of the test's own: rules, moderators and admins by WhatsApp number."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from storage.store import Store
from tests.bot.whatsapp.conftest import WhatsAppHarness, whatsapp_harness
from tests.bot.whatsapp.fake_twilio import FakeTwilio
from tests.fakes import FakeClock

WEBHOOK = "/twilio/whatsapp"


@asynccontextmanager
async def fake_twilio() -> AsyncIterator[FakeTwilio]:
    server = FakeTwilio()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def whatsapp_on(
    store: Store, clock: FakeClock, fake: FakeTwilio, community: Mapping[str, Any]
) -> AbstractAsyncContextManager[WhatsAppHarness]:
    return whatsapp_harness(store, clock, fake, community)
