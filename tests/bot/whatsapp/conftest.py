"""A WhatsApp adapter wired like in production (real core, SQLite, aiohttp app, twilio client) against the
fake Twilio API, on a FakeClock; the outbox worker is run by hand so that tests control time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from twilio.request_validator import RequestValidator

from bot.formats import TEXTS
from bot.messenger import MessengerRouter
from bot.web import WebServer
from bot.whatsapp.adapter import WhatsAppAdapter
from bot.whatsapp.twilio_client import TwilioMessages
from config.community import CommunityFile
from config.settings import TwilioSettings
from config.whatsapp import WhatsAppCommunity
from handlers.core import Core
from handlers.delivery import MessageKind, Outgoing
from handlers.features import FEATURES
from handlers.install import build_core
from handlers.models import Identity, Reply
from handlers.platforms import Platforms
from storage.store import Store
from tests.bot.whatsapp.fake_twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.fakes import FakeClock, RecordingMessenger

PUBLIC = "https://bot.example.com"
BOT_NUMBER = "whatsapp:+14155238886"
ANA = "whatsapp:+15550001234"
AWARD_SID = "HX" + "a" * 32
NOTICE_SID = "HX" + "b" * 32


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(url, params)


@dataclass
class WhatsAppHarness:
    adapter: WhatsAppAdapter
    core: Core
    store: Store
    clock: FakeClock
    fake: FakeTwilio
    web: WebServer
    console: RecordingMessenger
    _sids: count = field(default_factory=lambda: count(1))

    @property
    def local(self) -> str:
        return f"http://127.0.0.1:{self.web.bound_port}"

    async def post(
        self,
        path: str,
        params: dict[str, str],
        signature: str | None = "valid",
        url: str | None = None,
        settle: bool = True,
    ) -> tuple[int, str]:
        headers = {}
        if signature == "valid":
            headers["X-Twilio-Signature"] = sign(url or PUBLIC + path, params)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.local + path, data=params, headers=headers) as response,
        ):
            answer = response.status, await response.text()
        if path == "/twilio/whatsapp" and settle:
            await self.adapter.intake.idle()  # the webhook answers once it stored the message
        return answer

    def form(self, text: str, sender: str = ANA, sid: str | None = None, **extra: str) -> dict[str, str]:
        return {
            "MessageSid": sid or f"SM{next(self._sids):032x}",
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": BOT_NUMBER,
            "WaId": sender.removeprefix("whatsapp:+"),
            "ProfileName": "Ana",
            "Body": text,
            "NumMedia": "0",
            **extra,
        }

    async def say(self, text: str, sender: str = ANA, sid: str | None = None) -> int:
        status, _ = await self.post("/twilio/whatsapp", self.form(text, sender, sid))
        return status

    async def flush(self) -> int:
        return await self.adapter.worker.run_once()

    def bodies(self, to: str = ANA) -> list[str]:
        return [form.get("Body", "") for form in self.fake.accepted if form["To"] == to]

    async def rows(self) -> list[dict]:
        """WhatsApp's outbox: what was handed to the sender, part by part."""
        rows = await self.store.db.fetch_all("SELECT * FROM outbox ORDER BY id")
        return [dict(row) for row in rows]

    async def deliveries(self) -> list[dict]:
        """The outbox of every platform: what the delivery policy decided for each message."""
        rows = await self.store.db.fetch_all("SELECT * FROM deliveries ORDER BY id")
        return [dict(row) for row in rows]

    async def send(self, text: str, kind: MessageKind, to: str = ANA, reply: Reply | None = None) -> None:
        """A message the core sends unasked (written to the outbox, then dispatched)."""
        await self.core.send([Outgoing(reply or Reply(text), to=Identity.parse(to), kind=kind)])


def twilio_settings(fake: FakeTwilio, **extra: object) -> TwilioSettings:
    return TwilioSettings(
        account_sid=ACCOUNT_SID,
        auth_token=SecretStr(AUTH_TOKEN),
        whatsapp_from=BOT_NUMBER,
        api_base_url=fake.base_url,
        **extra,
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    server = FakeTwilio()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def wa(store: Store, clock: FakeClock, fake: FakeTwilio) -> AsyncIterator[WhatsAppHarness]:
    async with whatsapp_harness(store, clock, fake) as harness:
        yield harness


DEFAULT_COMMUNITY: dict[str, Any] = {
    "community": {"name": "Test Club", "timezone": "Europe/Paris"},
    "roles": {"moderators": ["whatsapp:+15550009999"]},
    "whatsapp": {"templates": {"award": AWARD_SID, "notice": NOTICE_SID}},
}


@asynccontextmanager
async def whatsapp_harness(
    store: Store,
    clock: FakeClock,
    fake: FakeTwilio,
    community: Mapping[str, Any] = DEFAULT_COMMUNITY,
    start: bool = False,
    **settings: object,
) -> AsyncIterator[WhatsAppHarness]:
    """The adapter on `store` (a second one on the same file is the bot after a restart), for `community`
    (a community file's tables); `start`: the features' start-up work runs first (configured circles)."""
    config = CommunityFile.model_validate(community)
    router = MessengerRouter()
    console = RecordingMessenger()
    router.add("console", console, posts_to_channels=True)  # also a bridged channel, played by the console
    whatsapp = config.section(WhatsAppCommunity)
    platforms = Platforms(
        consent_wording=whatsapp.consent_wording,
        running=frozenset({"whatsapp", "console"}),
        idempotent=frozenset({"whatsapp"}),
        durable_replies=frozenset({"whatsapp"}),
    )
    core = build_core(store.services(config, clock), router, FEATURES, platforms, texts=TEXTS)
    if start:
        await core.start()
    api = TwilioMessages(ACCOUNT_SID, SecretStr(AUTH_TOKEN), fake.base_url, timeout=1.0)
    await api.open()
    adapter = WhatsAppAdapter(
        core,
        store,
        clock,
        twilio_settings(fake, **{"messages_per_second": 1000, **settings}),
        PUBLIC,
        whatsapp,
        api=api,
    )
    router.add("whatsapp", adapter.messenger, posts_to_channels=False)
    web = WebServer("127.0.0.1", 0, lambda: _true())
    adapter.mount(web.app)
    await web.start()
    try:
        yield WhatsAppHarness(adapter, core, store, clock, fake, web, console)
    finally:
        await web.stop()
        await adapter.intake.stop()
        if start:
            await core.settle()
        await adapter.media.close()  # its downloads' session: left open, it is reported in a later test
        await api.close()


async def _true() -> bool:
    return True
